import type { Alert } from '../../schemas/alert-v1.ts';
import type { Dataset } from '../simulator/dataset.ts';
import type { FittedBaselines } from './baselines/fit-baselines.ts';
import { DEFAULT_RATE_LIMITS, RateLimitBaseline } from './baselines/rate-limit.ts';
import {
  isolationSystem,
  logisticSystem,
  SHORTCUT_RULE,
  type SnapshotSystem,
  shortcutSystem,
} from './baselines/snapshot-baselines.ts';
import type { DatasetProgress } from './dataset-progress.ts';
import { buildDataset, type DatasetSpec } from './datasets/catalogue.ts';
import type { DetectorFactory } from './detector-source.ts';
import { evaluateSystem } from './metrics/evaluate.ts';
import { datasetRole } from './protocol.ts';
import type { DatasetReport } from './report-schema.ts';
import { type DatasetRun, type DetectorUnderTest, runDataset } from './run-dataset.ts';
import { swapContexts } from './swap/context-swap.ts';
import { SystemRecorder } from './system-recorder.ts';

/** One pass over one report dataset: as generated, or with contexts swapped (the swap test). */
export interface ReportJob {
  spec: DatasetSpec;
  swapped: boolean;
}

/** What a pass measured, named as the report names it (its swap is added later): plain data, for worker threads. */
export type JobResult = Omit<DatasetReport, 'swap'> & { warnings: string[] };

export interface JobHooks {
  /** Called once the dataset is built, before the pass: returns the pass's progress. */
  started: (name: string, startMs: number, endMs: number) => DatasetProgress;
  onAlert?: (dataset: string, alert: Alert) => void;
}

const DETECTORS = {
  ml: {
    name: 'DistillGuard',
    description: 'the detector as `replay` runs it: rules, robust statistics, the tfjs models and stage 2.',
  },
  noMl: {
    name: 'DistillGuard without tfjs',
    description: 'the same detector with the tfjs models left out (rules, robust statistics, stage 2).',
  },
};

async function detectors(factory: DetectorFactory, ds: Dataset, variants: boolean[]): Promise<DetectorUnderTest[]> {
  const out: DetectorUnderTest[] = [];
  for (const ml of variants) {
    const d = ml ? DETECTORS.ml : DETECTORS.noMl;
    const pipeline = await factory({ ml, coordination: true });
    out.push({ pipeline, recorder: new SystemRecorder(d.name, d.description, ds.truth, false) });
  }
  return out;
}

function baselines(
  ds: Dataset,
  fitted: FittedBaselines,
): { rateLimit: RateLimitBaseline; snapshots: SnapshotSystem[] } {
  const rl = DEFAULT_RATE_LIMITS;
  const tuned = `fitted on the tuning datasets only (${fitted.datasets.join('; ')})`;
  const recorder = (name: string, description: string) => new SystemRecorder(name, description, ds.truth);
  const rateLimit = new RateLimitBaseline(
    recorder(
      'rate limit',
      `static per-key limits as gateways enforce them: ${rl.requestsPerMinute} requests, ` +
        `${rl.inputTokensPerMinute.toLocaleString('en-US')} input and ${rl.outputTokensPerMinute.toLocaleString('en-US')} ` +
        'output tokens per sliding minute; score = worst usage/limit ratio.',
    ),
  );
  const iso = recorder(
    'isolation forest',
    `Isolation Forest (100 trees, ψ = 256, seeded) on the detector's log-scaled feature snapshots, ${tuned}; ` +
      'flags snapshots above the 99th percentile of its training scores.',
  );
  const lr = recorder(
    'logistic regression',
    `supervised logistic regression (L2, log-scaled standardised features, class-balanced, seeded) on the detector's ` +
      `feature snapshots, ${tuned}; threshold: the 99.5th percentile of benign tuning keys' highest scores.`,
  );
  const shortcut = recorder(
    'shortcut rule',
    `flags a snapshot when datacenter_asn_share ≥ ${SHORTCUT_RULE.datacenterShareAtLeast} and key_age_days < ` +
      `${SHORTCUT_RULE.keyAgeDaysBelow}: the "hosting network and young key" shortcut.`,
  );
  return {
    rateLimit,
    snapshots: [
      isolationSystem(iso, fitted.isolation.forest, fitted.isolation.threshold),
      logisticSystem(lr, fitted.logistic.model, fitted.logistic.threshold),
      shortcutSystem(shortcut),
    ],
  };
}

function rejectWarning(name: string, run: DatasetRun): string[] {
  if (run.rejected === 0) return [];
  const reasons = [...run.rejectReasons].map(([reason, n]) => `${n}× ${reason.slice(0, 120)}`).join('; ');
  return [`${name}: ${run.rejected} generated events refused by usage.v1 validation and skipped (${reasons})`];
}

/**
 * One pass over a report dataset: the detector (with tfjs first when `ml`, and without it unless this is the swap
 * pass), the rate limit and the snapshot baselines, every system scored against the truth.
 */
export async function runReportJob(
  job: ReportJob,
  fitted: FittedBaselines,
  factory: DetectorFactory,
  ml: boolean,
  hooks: JobHooks,
): Promise<JobResult> {
  const built = buildDataset(job.spec);
  const ds = job.swapped ? swapContexts(built) : built;
  const progress = hooks.started(ds.name, Date.parse(ds.truth.start), Date.parse(ds.truth.end));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const dets = await detectors(factory, ds, ml ? (job.swapped ? [true] : [true, false]) : [false]);
  const { rateLimit, snapshots } = baselines(ds, fitted);
  const onAlert = hooks.onAlert;
  const run = await runDataset(
    ds,
    { detectors: dets, rateLimit, snapshots },
    {
      onProgress: (ts, n) => progress.update(ts, n),
      onAlert: onAlert ? (alert) => onAlert(ds.name, alert) : undefined,
    },
  );
  const used = process.cpuUsage(cpu);
  progress.done(run.events, (used.user + used.system) / 1e6);
  const scope = { truth: ds.truth, activeKeys: run.activeKeys, onsets: run.onsets, earlyEvents: run.earlyEvents };
  const recorders = [...dets.map((d) => d.recorder), rateLimit.recorder, ...snapshots.map((s) => s.recorder)];
  const active = ds.truth.keys.filter((k) => run.activeKeys.has(k.api_key_id));
  const role = datasetRole(built);
  return {
    name: built.name,
    family: ds.family,
    variant: ds.variant,
    seed: ds.seed,
    role,
    used_for_tuning: role === 'tuning',
    start: ds.truth.start,
    hours: ds.hours,
    prompt_mode: ds.promptMode,
    events: run.events,
    rejected_events: run.rejected,
    active_keys: active.length,
    benign_keys: active.filter((k) => k.label === 'benign').length,
    attack_keys: active.filter((k) => k.label === 'attack').length,
    campaigns: ds.truth.campaigns.length,
    seconds: (performance.now() - started) / 1000,
    systems: recorders.map((r) => evaluateSystem(r, scope)),
    warnings: [...(built.warning ? [`${built.name}: ${built.warning}`] : []), ...rejectWarning(ds.name, run)],
  };
}
