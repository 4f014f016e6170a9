import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { type DetectorConfig, defaultDetectorConfig } from '../common/config/detector.ts';
import type { ElicitationModel } from '../ml/elicitation/elicitation-scorer.ts';
import { decideKeyAlert } from './alerts/alert-policy.ts';
import { extractFeatures } from './features/extract.ts';
import { FEATURE_COUNT } from './features/feature-names.ts';
import { preparePrompt } from './features/prepared-event.ts';
import { createBaselineScorer } from './scorers/baseline-scorer.ts';
import {
  createEnsemble,
  DEFAULT_SEVERITY_THRESHOLDS,
  DEFAULT_WEIGHTS,
  type SeverityThresholds,
} from './scorers/ensemble.ts';
import { createPopulationScorer } from './scorers/population-scorer.ts';
import { createRuleScorer } from './scorers/rule-scorer.ts';
import { buildRules } from './scorers/rules.ts';
import type { Scorer } from './scorers/scorer.ts';
import { type KeySnapshot, restoreKeyState, snapshotKeyState } from './state/key-snapshot.ts';
import type { KeyState } from './state/key-state.ts';
import { DEFAULT_PAGE_BYTES, deltaPages, PageLoader, snapshotPages } from './state/pipeline-pages.ts';
import { emptyCore } from './state/pipeline-state.ts';
import { keyStateParams } from './state/sketch-params.ts';
import type { CapEvictionListener } from './state/state-caps.ts';
import type { CoordinationHook, DetectorPipeline, PipelineOutput, PipelineStats } from './types.ts';

export interface DetectorPipelineOptions {
  /** Defaults to the built-in defaults (`defaultDetectorConfig()`); the services pass `loadConfig().detector`. */
  config?: DetectorConfig;
  /** Extra scorers (e.g. the tfjs autoencoder and classifier), combined with the built-in ones. */
  scorers?: Scorer[];
  coordination?: CoordinationHook;
  /**
   * Alert thresholds per severity, calibrated to the false-positive budget (`resolveAlertThresholds`); default: the
   * fixed floors, raised to `config.alertThreshold` when that is higher.
   */
  thresholds?: SeverityThresholds | (() => SeverityThresholds);
  /** Told when a store evicts entries to stay under its cap (`config.stateCaps`); the stream service logs it. */
  onCapEviction?: CapEvictionListener;
  /**
   * The chain-of-thought elicitation classifier (`loadElicitationModel`), for `harvest_instruction_share`; without it
   * that feature stays 0 and the rules that read it do not fire.
   */
  elicitation?: ElicitationModel | null;
  /**
   * Whether outputs carry the key_features rows (default true). Replay without a features file turns them off: the
   * row's copy of the vector is the only work they add, and scores and alerts are the same either way.
   */
  featureRows?: boolean;
}

/** Hourly windows of a new key are still filling for its first hour; the baseline learns only after that. */
const BASELINE_WARMUP_MS = 3_600_000;
/** Idle keys are looked for every five minutes of event time. */
const SWEEP_EVERY_MS = 5 * 60_000;

export interface DetectorPipelineWithState extends DetectorPipeline {
  /**
   * The whole state (all keys, cohorts, counters, and stage 2 when it can snapshot) as checkpoint pages of about
   * `pageBytes` of JSON each (`state/pipeline-pages.ts`), generated one at a time as they are consumed: no string
   * ever holds the whole state. The next delta is relative to it. Nothing may be processed until the last page is
   * taken (a page after that throws).
   */
  snapshotPages(pageBytes?: number): Iterable<Buffer>;
  /**
   * What changed since the previous checkpoint, full or delta (keys, organisations and cohorts written or removed;
   * counters and clock), in pages; null when there was no checkpoint yet (nothing for a delta to go on). Changes are
   * tracked only from the first checkpoint or restore on, so replay never pays for them.
   */
  deltaPages(pageBytes?: number): Iterable<Buffer> | null;
  /**
   * Loads the next page of a saved checkpoint: the pages of a full checkpoint into a new pipeline (built without
   * `state`), then the pages of each delta over it, in order; a version 1 checkpoint (one document, full or delta, as
   * stored before pages) is a checkpoint of one page. True when the page completed its checkpoint; DG_ERR_BAD_INPUT
   * when it is refused (a page refused midway leaves a partly loaded state: build the pipeline again).
   */
  loadPage(page: Uint8Array): boolean;
  /** One key's serialised state (null when the key holds no full state), for checkpoints. */
  snapshotKey(apiKeyId: string): KeySnapshot | null;
  /** Installs a key's state from `snapshotKey` output, replacing what the pipeline held for it. */
  restoreKey(snapshot: unknown): void;
}

/** The operator's DG_DETECTOR_ALERT_THRESHOLD is a floor under the calibrated alert threshold. */
function withFloor(t: SeverityThresholds, floor: number): SeverityThresholds {
  const medium = Math.max(t.medium, floor);
  return { medium, high: Math.max(t.high, medium), critical: Math.max(t.critical, t.high, medium) };
}

/** The detector, synchronous and driven only by event time: the streaming service and replay both call this. */
export function createDetectorPipeline(options: DetectorPipelineOptions = {}): DetectorPipelineWithState {
  const config = options.config ?? defaultDetectorConfig();
  const params = keyStateParams(config);
  const coordination = options.coordination;
  const elicitation = options.elicitation ?? null;
  const featureRows = options.featureRows ?? true;
  const limits = { caps: config.stateCaps, onCapEviction: options.onCapEviction };
  const core = emptyCore(params, limits);
  const { keys, orgs, population, counters, clock } = core;
  const loader = new PageLoader(core, params, (state) => coordination?.restore?.(state));
  const given = options.thresholds ?? DEFAULT_SEVERITY_THRESHOLDS;
  const thresholdsNow = typeof given === 'function' ? given : () => given;
  let floored = { from: thresholdsNow(), to: withFloor(thresholdsNow(), config.alertThreshold) };
  /** The thresholds in force, floored once per change (a refresher may swap them while the stream runs). */
  const thresholds = () => {
    const raw = thresholdsNow();
    if (raw !== floored.from) floored = { from: raw, to: withFloor(raw, config.alertThreshold) };
    return floored.to;
  };
  const ensemble = createEnsemble(
    [
      createRuleScorer(buildRules(config.rules)),
      createPopulationScorer(config.populationMinSamples),
      createBaselineScorer(config.baselineMinSamples, config.baselineMinSpanMs),
      ...(options.scorers ?? []),
    ],
    { ...DEFAULT_WEIGHTS, ...config.modelWeights },
    thresholds,
  );
  const policy = {
    cooldownMs: config.alertCooldownMs,
    escalationDelta: config.escalationDelta,
  };

  function countAlert(alert: Alert, out: PipelineOutput): void {
    counters.alerts++;
    counters.byCategory[alert.category] = (counters.byCategory[alert.category] ?? 0) + 1;
    counters.byKind[alert.kind] = (counters.byKind[alert.kind] ?? 0) + 1;
    out.alerts.push(alert);
  }

  /** Features → scores → maybe an alert; then the snapshot feeds the cohort and the key's own baseline. */
  function scoreKey(state: KeyState, ts: number, out: PipelineOutput): void {
    const features = extractFeatures(state, orgs.keyCount(state.orgId), ts, new Float64Array(FEATURE_COUNT));
    const cohort = population.get(state.cohort);
    const result = ensemble.score({
      apiKeyId: state.apiKeyId,
      orgId: state.orgId,
      cohort: state.cohort,
      ts,
      features,
      population: cohort,
      baseline: state.baseline,
    });
    // Decided (and its reasons read) before the cohort and the baseline learn from this snapshot.
    const alert = decideKeyAlert(state, result, ts, policy);
    cohort.add(features, ts);
    if (ts - state.firstSeen >= BASELINE_WARMUP_MS) state.baseline.update(features, ts);
    state.lastSnapshotMinute = Math.floor(ts / 60_000);
    state.dirty = false;
    keys.changed(state);
    counters.snapshots++;
    if (featureRows) {
      out.features.push({
        api_key_id: state.apiKeyId,
        org_id: state.orgId,
        model: state.model,
        ts,
        values: Array.from(features),
        score: result.score,
        evidence: result.evidence,
      });
    }
    if (alert) countAlert(alert, out);
  }

  function sweep(now: number, out: PipelineOutput): void {
    const limits = { idleCompactMs: config.idleCompactMs, idleEvictMs: config.idleEvictMs };
    for (const state of keys.idleKeys(now, limits)) {
      if (state.dirty) scoreKey(state, state.lastSeen, out);
      keys.compact(state);
    }
    keys.evictIdle(now, limits);
  }

  function process(event: UsageEvent): PipelineOutput {
    const out: PipelineOutput = { alerts: [], features: [] };
    counters.events++;
    const watermark = clock.watermark === null ? event.ts : Math.max(clock.watermark, event.ts);
    clock.watermark = watermark;
    const prompt = preparePrompt(event, elicitation);
    coordination?.observe(event, prompt.fingerprint, prompt);
    const { state, created } = keys.obtain(event);
    if (created) orgs.addKey(event.org_id, event.api_key_id);
    state.observe(event, prompt);
    if (Math.floor(event.ts / 60_000) > state.lastSnapshotMinute) scoreKey(state, event.ts, out);
    for (const alert of coordination?.advance(event.ts) ?? []) countAlert(alert, out);
    if (watermark >= clock.nextSweep) {
      sweep(watermark, out);
      clock.nextSweep = watermark + SWEEP_EVERY_MS;
    }
    return out;
  }

  function finish(): PipelineOutput {
    const out: PipelineOutput = { alerts: [], features: [] };
    const pending = [...keys.active.values()]
      .filter((s) => s.dirty)
      .sort((a, b) => a.lastSeen - b.lastSeen || (a.apiKeyId < b.apiKeyId ? -1 : 1));
    for (const state of pending) scoreKey(state, state.lastSeen, out);
    const watermark = clock.watermark;
    if (coordination && watermark !== null) {
      const settled = coordination.flush ? coordination.flush(watermark) : coordination.advance(watermark);
      for (const alert of settled) countAlert(alert, out);
    }
    return out;
  }

  function stats(): PipelineStats {
    return {
      events: counters.events,
      keys: keys.active.size,
      compactedKeys: keys.compacted.size,
      evictedKeys: keys.evicted,
      keysSeen: keys.seen,
      orgs: orgs.size,
      cohorts: population.size,
      capEvictions: {
        activeKeys: keys.capEvictions.active,
        compactedKeys: keys.capEvictions.compacted,
        orgs: orgs.capEvictions,
        cohorts: population.capEvictions,
      },
      snapshots: counters.snapshots,
      alerts: counters.alerts,
      alertsByCategory: { ...counters.byCategory },
      alertsByKind: { ...counters.byKind },
      watermark: clock.watermark,
    };
  }

  return {
    process,
    finish,
    stats,
    snapshotPages: (pageBytes = DEFAULT_PAGE_BYTES) => snapshotPages(core, coordination?.snapshot?.(), pageBytes),
    deltaPages: (pageBytes = DEFAULT_PAGE_BYTES) => deltaPages(core, coordination?.snapshot?.(), pageBytes),
    loadPage: (page) => loader.load(page),
    snapshotKey: (apiKeyId) => {
      const state = keys.active.get(apiKeyId);
      return state ? snapshotKeyState(state) : null;
    },
    restoreKey: (snapshot) => {
      const state = restoreKeyState(snapshot, params);
      keys.install(state);
      orgs.addKey(state.orgId, state.apiKeyId);
    },
  };
}
