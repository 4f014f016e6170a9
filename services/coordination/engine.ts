import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { type CoordinationOptions, coordinationOptionsSchema } from '../common/config/coordination-options.ts';
import type { Config } from '../common/config/index.ts';
import { errors } from '../common/errors.ts';
import type { PromptFingerprint } from '../common/text/fingerprint.ts';
import type { PromptTokens } from '../common/text/tokenize.ts';
import { parseOr } from '../common/zod-issues.ts';
import { AlertLog } from './alert-log.ts';
import { type CoordinationSnapshot, coordinationSnapshotSchema } from './engine-snapshot.ts';
import { KeyRegistry } from './key-registry.ts';
import { runLinkingPass } from './linking-pass.ts';

export interface CoordinationStats {
  keys: number;
  /** Keys dropped to stay under `maxKeys` since the engine was built (or restored). */
  capEvictions: number;
  templateFamilies: number;
  passes: number;
  lastPassAt: number | null;
}

/** Stage 2: links keys that act as one actor and raises `kind: "cluster"` alerts. Event time only, no I/O. */
export interface CoordinationEngine {
  /**
   * Every valid event, in event-time order, with its prompt fingerprint when stage 1 has one, and the token hashes of
   * its `prompt_text` stage 1 computed (the prompt is tokenised once).
   */
  observe(event: UsageEvent, fingerprint: PromptFingerprint | null, tokens: PromptTokens): void;
  /** Called after every event with its time; runs a linking pass when a pass interval boundary was crossed. */
  advance(nowMs: number): Alert[];
  /** Runs a linking pass now if anything changed since the last one (end of a replay). */
  flush(nowMs: number): Alert[];
  snapshot(): CoordinationSnapshot;
  /** Replaces all state with a snapshot; throws DG_ERR_BAD_INPUT when it does not validate. */
  restore(state: unknown): void;
  stats(): CoordinationStats;
}

/** Share of `maxKeys` the tracked keys may exceed it by between linking passes, so evictions come in rounds. */
const CAP_SLACK = 0.1;

class Coordination implements CoordinationEngine {
  private registry: KeyRegistry;
  private log: AlertLog;
  /** Event time of the first event; warm-ups count from here. */
  private startedAt: number | null = null;
  private lastPassAt: number | null = null;
  private passes = 0;

  constructor(private readonly options: CoordinationOptions) {
    this.registry = new KeyRegistry(options, false);
    this.log = new AlertLog(options);
  }

  observe(event: UsageEvent, fingerprint: PromptFingerprint | null, tokens: PromptTokens): void {
    this.startedAt ??= event.ts;
    this.registry.observe(event, fingerprint, tokens);
    this.keepUnderCap();
  }

  /** Between linking passes a flood of new keys may pass `maxKeys` by a tenth at most, then the oldest go at once. */
  private keepUnderCap(): void {
    const { maxKeys } = this.options;
    if (this.registry.records.size > maxKeys + Math.floor(maxKeys * CAP_SLACK)) this.registry.evictBeyond(maxKeys);
  }

  advance(nowMs: number): Alert[] {
    const interval = this.options.passIntervalMs;
    if (this.lastPassAt === null) this.lastPassAt = nowMs;
    if (Math.floor(nowMs / interval) <= Math.floor(this.lastPassAt / interval)) return [];
    return this.flush(nowMs);
  }

  flush(nowMs: number): Alert[] {
    const wasWarm = this.ageAt(this.lastPassAt) >= this.options.warmupMs;
    const age = this.ageAt(nowMs);
    this.lastPassAt = nowMs;
    if (age >= this.options.scheduleWarmupMs && !this.registry.withTiming) this.registry.enableTiming();
    // Groups that formed during the warm-up are scored once it ends, changed or not.
    if (age >= this.options.warmupMs && !wasWarm) this.registry.markAllChanged();
    if (!this.registry.changed) return [];
    this.passes++;
    const pass = { nowMs, startedAt: this.startedAt ?? nowMs, raiseAlerts: age >= this.options.warmupMs };
    return runLinkingPass(this.registry, this.log, pass, this.options);
  }

  snapshot(): CoordinationSnapshot {
    const { startedAt, lastPassAt } = this;
    return { v: 1, startedAt, lastPassAt, ...this.registry.toState(), alerted: this.log.entries() };
  }

  restore(state: unknown): void {
    const s = parseOr(coordinationSnapshotSchema, state, (issues) =>
      errors.badInput(`coordination snapshot: ${issues}`),
    );
    this.startedAt = s.startedAt;
    this.lastPassAt = s.lastPassAt;
    const timing = this.ageAt(s.lastPassAt) >= this.options.scheduleWarmupMs;
    this.registry = new KeyRegistry(this.options, timing, s);
    this.log = new AlertLog(this.options);
    for (const a of s.alerted) this.log.record(a, null);
  }

  stats(): CoordinationStats {
    const keys = this.registry.records.size;
    return {
      keys,
      capEvictions: this.registry.capEvictions,
      templateFamilies: this.registry.families.size,
      passes: this.passes,
      lastPassAt: this.lastPassAt,
    };
  }

  /** Event time elapsed from the first event to `ts`; -Infinity before either exists. */
  private ageAt(ts: number | null): number {
    return ts === null || this.startedAt === null ? Number.NEGATIVE_INFINITY : ts - this.startedAt;
  }
}

/** Stage 2's options from the configuration: `DG_COORD_*`, and the long-output length stage 1 uses. */
export function stage2Options(config: Pick<Config, 'detector'> & Partial<Pick<Config, 'coordination'>>) {
  return { ...config.coordination, longOutputTokens: config.detector.longOutputTokens };
}

/** Builds a stage 2 engine; options are validated once here (DG_ERR_CONFIG on a bad combination). */
export function createCoordinationEngine(options: Partial<CoordinationOptions> = {}): CoordinationEngine {
  return new Coordination(parseOr(coordinationOptionsSchema, options, errors.config));
}
