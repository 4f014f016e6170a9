import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '../../schemas/alert-v1.ts';
import { FEATURE_COUNT } from '../detector/features/feature-names.ts';
import { type FittedBaselines, fitBaselines, fittedToParams, type TuningFeatures } from './baselines/fit-baselines.ts';
import { type EvalProgress, silentProgress } from './dataset-progress.ts';
import { buildDataset, type DatasetSpec, type EvalPlan, specRole } from './datasets/catalogue.ts';
import { type DetectorSource, detectorFactory } from './detector-source.ts';
import { FeatureStore } from './feature-store.ts';
import { type PooledResult, runJobsInWorkers } from './job-pool.ts';
import { writePlots } from './plots.ts';
import { assertTuningDataset, datasetRole, PROTOCOL_TEXT } from './protocol.ts';
import { type JobResult, type ReportJob, runReportJob } from './report-job.ts';
import { renderMarkdown } from './report-markdown.ts';
import { type EvalReport, evalReportSchema, type SwapResult } from './report-schema.ts';
import { runDataset } from './run-dataset.ts';
import { SystemRecorder } from './system-recorder.ts';
import { evaluateTargets } from './targets.ts';

export interface EvalOptions {
  plan: EvalPlan;
  /** `config`: the environment, as `replay` reads it; `builtin` (default): built-in defaults without tfjs. */
  detector?: DetectorSource;
  /** Also run the detector with its tfjs models (first), so their contribution is measured. */
  ml: boolean;
  /** Report passes run on this many worker threads (1: in this thread). */
  jobs?: number;
  /** Where eval.md, eval.json and the SVG plots go; null writes nothing. */
  outDir: string | null;
  command: string;
  /** Lines for the report's notes. */
  notes?: string[];
  progress?: EvalProgress;
  /** The first detector's alerts (in-thread runs only: `jobs` 1). */
  onAlert?: (dataset: string, alert: Alert) => void;
}

export interface EvalResult {
  report: EvalReport;
  markdown: string;
  files: string[];
}

async function collectTuning(spec: DatasetSpec, options: EvalOptions, label: string, warnings: Set<string>) {
  const ds = buildDataset(spec);
  assertTuningDataset(ds);
  if (ds.warning) warnings.add(`${ds.name}: ${ds.warning}`);
  const progress = (options.progress ?? silentProgress).start(
    `${label} ${ds.name}`,
    Date.parse(ds.truth.start),
    Date.parse(ds.truth.end),
  );
  const cpu = process.cpuUsage();
  const store = new FeatureStore(FEATURE_COUNT);
  const factory = detectorFactory(options.detector ?? 'builtin', (m) => warnings.add(m));
  const pipeline = await factory({ ml: false, coordination: false });
  const recorder = new SystemRecorder('tuning', 'features only', ds.truth, false);
  const run = await runDataset(
    ds,
    { detectors: [{ pipeline, recorder }] },
    { onSnapshot: (s) => store.add(s), onProgress: (ts, n) => progress.update(ts, n) },
  );
  const used = process.cpuUsage(cpu);
  progress.done(run.events, (used.user + used.system) / 1e6);
  if (run.rejected > 0) warnings.add(`${ds.name}: ${run.rejected} generated events refused by validation and skipped`);
  const features: TuningFeatures = { name: ds.name, store, truth: ds.truth };
  return { features, entry: { name: ds.name, role: datasetRole(ds), events: run.events, snapshots: store.size } };
}

/** Each report dataset once, and once more context-swapped when it is held out and the plan asks for the swap. */
function reportJobs(plan: EvalPlan): ReportJob[] {
  return plan.report.flatMap((spec) => [
    { spec, swapped: false },
    ...(plan.swap && specRole(spec) === 'held_out' ? [{ spec, swapped: true }] : []),
  ]);
}

async function runJobs(jobs: ReportJob[], fitted: FittedBaselines, options: EvalOptions, first: number, total: number) {
  const progress = options.progress ?? silentProgress;
  const label = (i: number, name: string) => `eval [${first + i + 1}/${total}] ${name}`;
  const parallel = options.jobs ?? 1;
  const source = options.detector ?? 'builtin';
  if (parallel > 1) {
    const shared = { fitted: fittedToParams(fitted), ml: options.ml, source };
    return runJobsInWorkers(jobs, parallel, shared, (i, name, s, e) => progress.start(label(i, name), s, e));
  }
  const out: PooledResult[] = [];
  for (const [i, job] of jobs.entries()) {
    const warnings = new Set<string>();
    const factory = detectorFactory(source, (m) => warnings.add(m));
    const result = await runReportJob(job, fitted, factory, options.ml, {
      started: (name, s, e) => progress.start(label(i, name), s, e),
      onAlert: job.swapped ? undefined : options.onAlert,
    });
    out.push({ result, warnings: [...warnings] });
  }
  return out;
}

function swapResult(original: JobResult, swapped: JobResult): SwapResult {
  const deltas = swapped.systems.map((s) => {
    const o = original.systems.find((x) => x.name === s.name)!;
    const recall = s.overall.recall === null || o.overall.recall === null ? null : s.overall.recall - o.overall.recall;
    return { system: s.name, recall, fp_per_1000: s.overall.fp_per_1000_key_days - o.overall.fp_per_1000_key_days };
  });
  return {
    dataset: `${original.name} (context swapped)`,
    pairs: original.attack_keys,
    systems: swapped.systems,
    deltas,
  };
}

async function writeOutputs(report: EvalReport, notes: string[], command: string, dir: string): Promise<EvalResult> {
  await mkdir(dir, { recursive: true });
  const plotted = report.datasets.find((d) => d.role === 'held_out') ?? report.datasets[0]!;
  const plots = await writePlots(dir, plotted.systems, plotted.hours);
  const markdown = renderMarkdown(report, command, plots, plotted.name, notes);
  await writeFile(join(dir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'eval.md'), markdown);
  return { report, markdown, files: ['eval.md', 'eval.json', ...plots] };
}

/**
 * The evaluation protocol of issue 10: fits the baselines on TUNING datasets (the guard refuses anything else),
 * then replays each report dataset through the detector (with and without tfjs) and every baseline, runs the
 * context-swap test on held-out datasets and judges the targets on held-out data only.
 */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const startedAt = performance.now();
  const { plan } = options;
  const jobs = reportJobs(plan);
  const total = plan.tuning.length + jobs.length;
  const warnings = new Set<string>();
  const tuning = [];
  for (const [i, spec] of plan.tuning.entries()) {
    tuning.push(await collectTuning(spec, options, `eval [${i + 1}/${total}]`, warnings));
  }
  const fitted = fitBaselines(tuning.map((t) => t.features));
  const results = await runJobs(jobs, fitted, options, plan.tuning.length, total);
  for (const r of results) for (const w of [...r.warnings, ...r.result.warnings]) warnings.add(w);
  const datasets = jobs.flatMap((job, i) => {
    if (job.swapped) return [];
    const swapped = jobs.findIndex((j) => j.swapped && j.spec === job.spec);
    const { warnings: _collected, ...main } = results[i]!.result; // merged into the notes above
    return [{ ...main, swap: swapped < 0 ? null : swapResult(results[i]!.result, results[swapped]!.result) }];
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const events = [...tuning.map((t) => t.entry.events), ...results.map((r) => r.result.events)].reduce((a, b) => a + b);
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
  return writeOutputs(report, [...(options.notes ?? []), ...warnings], options.command, options.outDir);
}
