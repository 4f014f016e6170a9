import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '../../schemas/alert-v1.ts';
import { defaultDetectorConfig } from '../common/config/detector.ts';
import { mlEnv } from '../common/config/ml.ts';
import { FEATURE_COUNT } from '../detector/features/feature-names.ts';
import { buildOfflineDetector } from '../detector/replay/build-detector.ts';
import type { DetectorPipeline } from '../detector/types.ts';
import type { Dataset } from '../simulator/dataset.ts';
import { type FittedBaselines, fitBaselines, type TuningFeatures } from './baselines/fit-baselines.ts';
import { DEFAULT_RATE_LIMITS, RateLimitBaseline } from './baselines/rate-limit.ts';
import {
  isolationSystem,
  logisticSystem,
  SHORTCUT_RULE,
  type SnapshotSystem,
  shortcutSystem,
} from './baselines/snapshot-baselines.ts';
import { buildDataset, type DatasetSpec, type EvalPlan, specRole } from './datasets/catalogue.ts';
import { FeatureStore } from './feature-store.ts';
import { type EvalScope, evaluateSystem } from './metrics/evaluate.ts';
import { writePlots } from './plots.ts';
import { type EvalProgress, silentProgress } from './progress.ts';
import { assertTuningDataset, datasetRole, PROTOCOL_TEXT } from './protocol.ts';
import { renderMarkdown } from './report-markdown.ts';
import { type DatasetReport, type EvalReport, evalReportSchema, type SwapResult } from './report-schema.ts';
import { type DetectorUnderTest, runDataset } from './run-dataset.ts';
import { swapContexts } from './swap/context-swap.ts';
import { SystemRecorder } from './system-recorder.ts';
import { evaluateTargets } from './targets.ts';

/** Builds a fresh detector as `replay` does; `ml` asks for the tfjs models, `coordination` for stage 2. */
export type DetectorFactory = (options: { ml: boolean; coordination: boolean }) => Promise<DetectorPipeline>;

export interface EvalOptions {
  plan: EvalPlan;
  /** Default: the built-in detector configuration without tfjs models. */
  buildDetector?: DetectorFactory;
  /** Also run the detector with its tfjs models (first), so their contribution is measured. */
  ml: boolean;
  /** Where eval.md, eval.json and the PNGs go; null writes nothing. */
  outDir: string | null;
  command: string;
  /** Lines for the report's notes, read when the report is written (detector warnings collect during the run). */
  notes?: () => string[];
  progress?: EvalProgress;
  onAlert?: (dataset: string, alert: Alert) => void;
}

export interface EvalResult {
  report: EvalReport;
  markdown: string;
  files: string[];
}

const defaultFactory: DetectorFactory = ({ coordination }) => {
  const config = { detector: defaultDetectorConfig(), ml: mlEnv.parse({ DG_ML_ENABLED: 'false' }) };
  return buildOfflineDetector({ config, coordination, ml: false, warn: () => {} });
};

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

interface Context {
  options: EvalOptions;
  factory: DetectorFactory;
  progress: EvalProgress;
  total: number;
  index: number;
}

function startDataset(ctx: Context, ds: Dataset): void {
  const start = Date.parse(ds.truth.start);
  ctx.progress.dataset(ds.name, ctx.index++, ctx.total, start, Date.parse(ds.truth.end));
}

async function collectTuning(ctx: Context, ds: Dataset) {
  assertTuningDataset(ds);
  startDataset(ctx, ds);
  const store = new FeatureStore(FEATURE_COUNT);
  const pipeline = await ctx.factory({ ml: false, coordination: false });
  const recorder = new SystemRecorder('tuning', 'features only', ds.truth, false);
  const run = await runDataset(
    ds,
    { detectors: [{ pipeline, recorder }] },
    { onSnapshot: (s) => store.add(s), onProgress: (ts, n) => ctx.progress.update(ts, n) },
  );
  ctx.progress.done(run.events);
  const features: TuningFeatures = { name: ds.name, store, truth: ds.truth };
  return { features, entry: { name: ds.name, role: datasetRole(ds), events: run.events, snapshots: store.size } };
}

async function detectors(ctx: Context, ds: Dataset, withoutMl: boolean): Promise<DetectorUnderTest[]> {
  const variants = [...(ctx.options.ml ? [true] : []), ...(withoutMl || !ctx.options.ml ? [false] : [])];
  const out: DetectorUnderTest[] = [];
  for (const ml of variants) {
    const d = ml ? DETECTORS.ml : DETECTORS.noMl;
    const pipeline = await ctx.factory({ ml, coordination: true });
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
  const rateLimit = new RateLimitBaseline(
    new SystemRecorder(
      'rate limit',
      `static per-key limits as gateways enforce them: ${rl.requestsPerMinute} requests, ` +
        `${rl.inputTokensPerMinute.toLocaleString('en-US')} input and ${rl.outputTokensPerMinute.toLocaleString('en-US')} ` +
        'output tokens per sliding minute; score = worst usage/limit ratio.',
      ds.truth,
    ),
  );
  const iso = new SystemRecorder(
    'isolation forest',
    `Isolation Forest (100 trees, ψ = 256, seeded) on the detector's log-scaled feature snapshots, ${tuned}; ` +
      'flags snapshots above the 99th percentile of its training scores.',
    ds.truth,
  );
  const lr = new SystemRecorder(
    'logistic regression',
    `supervised logistic regression (L2, log-scaled standardised features, class-balanced, seeded) on the detector's ` +
      `feature snapshots, ${tuned}; threshold: the 99.5th percentile of benign tuning keys' highest scores.`,
    ds.truth,
  );
  const shortcut = new SystemRecorder(
    'shortcut rule',
    `flags a snapshot when datacenter_asn_share ≥ ${SHORTCUT_RULE.datacenterShareAtLeast} and key_age_days < ` +
      `${SHORTCUT_RULE.keyAgeDaysBelow}: the "hosting network and young key" shortcut.`,
    ds.truth,
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

/** One pass: the detectors, the rate limit and the snapshot baselines; every system scored against the truth. */
async function evaluateDataset(ctx: Context, ds: Dataset, fitted: FittedBaselines, withoutMl: boolean) {
  startDataset(ctx, ds);
  const started = performance.now();
  const dets = await detectors(ctx, ds, withoutMl);
  const { rateLimit, snapshots } = baselines(ds, fitted);
  const onAlert = ctx.options.onAlert;
  const run = await runDataset(
    ds,
    { detectors: dets, rateLimit, snapshots },
    {
      onProgress: (ts, n) => ctx.progress.update(ts, n),
      onAlert: onAlert ? (alert) => onAlert(ds.name, alert) : undefined,
    },
  );
  ctx.progress.done(run.events);
  const scope: EvalScope = { truth: ds.truth, activeKeys: run.activeKeys };
  const recorders = [...dets.map((d) => d.recorder), rateLimit.recorder, ...snapshots.map((s) => s.recorder)];
  return {
    run,
    scope,
    systems: recorders.map((r) => evaluateSystem(r, scope)),
    seconds: (performance.now() - started) / 1000,
  };
}

function swapResult(
  original: DatasetReport['systems'],
  swapped: DatasetReport['systems'],
  name: string,
  pairs: number,
): SwapResult {
  const deltas = swapped.map((s) => {
    const o = original.find((x) => x.name === s.name)!;
    const recall = s.overall.recall === null || o.overall.recall === null ? null : s.overall.recall - o.overall.recall;
    return { system: s.name, recall, fp_per_1000: s.overall.fp_per_1000_key_days - o.overall.fp_per_1000_key_days };
  });
  return { dataset: name, pairs, systems: swapped, deltas };
}

async function reportDataset(
  ctx: Context,
  ds: Dataset,
  fitted: FittedBaselines,
  swap: boolean,
): Promise<DatasetReport> {
  const role = datasetRole(ds);
  const main = await evaluateDataset(ctx, ds, fitted, true);
  const active = ds.truth.keys.filter((k) => main.run.activeKeys.has(k.api_key_id));
  let swapReport: SwapResult | null = null;
  if (swap && role === 'held_out') {
    const swapped = swapContexts(ds);
    const result = await evaluateDataset(ctx, swapped, fitted, false);
    const pairs = active.filter((k) => k.label === 'attack').length;
    swapReport = swapResult(main.systems, result.systems, swapped.name, pairs);
  }
  return {
    name: ds.name,
    family: ds.family,
    variant: ds.variant,
    seed: ds.seed,
    role,
    used_for_tuning: role === 'tuning',
    start: ds.truth.start,
    hours: ds.hours,
    prompt_mode: ds.promptMode,
    events: main.run.events,
    active_keys: active.length,
    benign_keys: active.filter((k) => k.label === 'benign').length,
    attack_keys: active.filter((k) => k.label === 'attack').length,
    campaigns: ds.truth.campaigns.length,
    seconds: main.seconds,
    systems: main.systems,
    swap: swapReport,
  };
}

async function writeOutputs(report: EvalReport, notes: string[], options: EvalOptions, dir: string) {
  await mkdir(dir, { recursive: true });
  const plotted = report.datasets.find((d) => d.role === 'held_out') ?? report.datasets[0]!;
  const plots = await writePlots(dir, plotted.systems, plotted.hours);
  const markdown = renderMarkdown(report, options.command, plots, plotted.name, notes);
  await writeFile(join(dir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'eval.md'), markdown);
  return { report, markdown, files: ['eval.md', 'eval.json', ...plots] } satisfies EvalResult;
}

/**
 * The evaluation protocol of issue 10: fits the baselines on TUNING datasets (the guard refuses anything else),
 * then replays each report dataset through the detector (with and without tfjs) and every baseline, runs the
 * context-swap test on held-out datasets and judges the targets on held-out data only.
 */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const startedAt = performance.now();
  const { plan } = options;
  const swaps = plan.swap ? plan.report.filter((s) => specRole(s) === 'held_out').length : 0;
  const ctx: Context = {
    options,
    factory: options.buildDetector ?? defaultFactory,
    progress: options.progress ?? silentProgress,
    total: plan.tuning.length + plan.report.length + swaps,
    index: 0,
  };
  const warnings = new Set<string>();
  const build = (spec: DatasetSpec) => {
    const ds = buildDataset(spec);
    if (ds.warning) warnings.add(`${ds.name}: ${ds.warning}`);
    return ds;
  };
  const tuning = [];
  for (const spec of plan.tuning) tuning.push(await collectTuning(ctx, build(spec)));
  const fitted = fitBaselines(tuning.map((t) => t.features));
  const datasets: DatasetReport[] = [];
  for (const spec of plan.report) {
    const ds = build(spec);
    datasets.push(await reportDataset(ctx, ds, fitted, plan.swap));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const events = [...tuning.map((t) => t.entry.events), ...datasets.map((d) => d.events)].reduce((a, b) => a + b, 0);
  const report = evalReportSchema.parse({
    version: 2,
    protocol: PROTOCOL_TEXT,
    tuning: {
      datasets: tuning.map((t) => t.entry),
      logistic: {
        rows: fitted.logistic.rows,
        positives: fitted.logistic.positives,
        threshold: fitted.logistic.threshold,
      },
      isolation: { rows: fitted.isolation.rows, threshold: fitted.isolation.threshold },
    },
    datasets,
    targets: datasets.filter((d) => d.role === 'held_out').flatMap(evaluateTargets),
    timing: { seconds, events, events_per_second: seconds > 0 ? events / seconds : 0 },
  });
  if (options.outDir === null) return { report, markdown: '', files: [] };
  return writeOutputs(report, [...(options.notes?.() ?? []), ...warnings], options, options.outDir);
}
