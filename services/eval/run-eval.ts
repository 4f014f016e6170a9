import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alert } from '../../schemas/alert-v1.ts';
import { defaultDetectorConfig } from '../common/config/detector.ts';
import { mlEnv } from '../common/config/ml.ts';
import { buildOfflineDetector } from '../detector/replay/build-detector.ts';
import type { DetectorPipeline } from '../detector/types.ts';
import { type Archetype, type GroundTruth, type PromptMode, type Simulation, simulate } from '../simulator/index.ts';
import { runIsolationBaseline } from './baselines/isolation-baseline.ts';
import { DEFAULT_RATE_LIMITS, RateLimitBaseline } from './baselines/rate-limit.ts';
import { type EvalScope, evaluateSystem } from './metrics/evaluate.ts';
import { writePlots } from './plots.ts';
import { renderMarkdown } from './report-markdown.ts';
import { type EvalReport, evalReportSchema } from './report-schema.ts';
import { type DetectorRun, runDetector } from './run-detector.ts';
import { SystemRecorder } from './system-recorder.ts';
import { evaluateTargets, TARGETS } from './targets.ts';

export interface EvalOptions {
  seed: number;
  hours: number;
  keysScale: number;
  promptMode: PromptMode;
  /** Where eval.md, eval.json and the PNGs go; null writes nothing. */
  outDir: string | null;
  /** The detector from `buildOfflineDetector` (as replay builds it); default: built-in config, stage 2, no tfjs. */
  detector?: DetectorPipeline;
  /** The command line that reproduces this run, quoted in the report. */
  command: string;
  notes?: string[];
  onProgress?: (eventTime: number, events: number) => void;
  onAlert?: (alert: Alert) => void;
}

export interface EvalResult {
  report: EvalReport;
  truth: GroundTruth;
  markdown: string;
  files: string[];
}

/** Campaigns per archetype with a recall target, doubled over the simulator default so recall is less coarse. */
export const TARGETED_CAMPAIGNS = 6;

function targetedPopulation(keysScale: number): Partial<Record<Archetype, number>> {
  const count = Math.ceil(TARGETED_CAMPAIGNS * keysScale);
  return Object.fromEntries(TARGETS.recall15mArchetypes.map((a) => [a, count]));
}

function defaultDetector(): Promise<DetectorPipeline> {
  const config = { detector: defaultDetectorConfig(), ml: mlEnv.parse({ DG_ML_ENABLED: 'false' }) };
  return buildOfflineDetector({ config, coordination: true, ml: false, warn: () => {} });
}

function recorders(sim: Simulation) {
  const rl = DEFAULT_RATE_LIMITS;
  return {
    detector: new SystemRecorder(
      'DistillGuard',
      'the detector pipeline as `replay` runs it (rules, robust statistics, tfjs models when loaded, coordination stage).',
      sim.truth,
    ),
    rateLimit: new SystemRecorder(
      'rate limit',
      `static per-key limits as gateways enforce them: ${rl.requestsPerMinute} requests, ` +
        `${rl.inputTokensPerMinute.toLocaleString('en-US')} input and ${rl.outputTokensPerMinute.toLocaleString('en-US')} ` +
        'output tokens per sliding minute; score = worst usage/limit ratio.',
      sim.truth,
    ),
    isolation: new SystemRecorder(
      'isolation forest',
      "Isolation Forest (100 trees, ψ = 256, seeded) fitted unsupervised on 4,096 of the detector's own feature " +
        'snapshots (log-scaled); flags snapshots above the 99th percentile of the training scores.',
      sim.truth,
    ),
  };
}

function buildReport(sim: Simulation, run: DetectorRun, recs: ReturnType<typeof recorders>, seconds: number) {
  const scope: EvalScope = { truth: sim.truth, activeKeys: run.activeKeys };
  const systems = [recs.detector, recs.rateLimit, recs.isolation].map((r) => evaluateSystem(r, scope));
  const active = sim.truth.keys.filter((k) => run.activeKeys.has(k.api_key_id));
  return evalReportSchema.parse({
    version: 1,
    dataset: {
      seed: sim.options.seed,
      start: sim.truth.start,
      hours: sim.options.hours,
      keys_scale: sim.options.keysScale,
      prompt_mode: sim.options.promptMode,
      events: run.events,
      active_keys: active.length,
      benign_keys: active.filter((k) => k.label === 'benign').length,
      attack_keys: active.filter((k) => k.label === 'attack').length,
      campaigns: sim.truth.campaigns.length,
    },
    timing: { seconds, events_per_second: seconds > 0 ? run.events / seconds : 0 },
    systems,
    targets: evaluateTargets(systems[0]!, systems.slice(1)),
  });
}

/** Simulates, replays through the detector and both baselines, scores everything against the ground truth. */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const startedAt = performance.now();
  const sim = simulate({
    seed: options.seed,
    hours: options.hours,
    keysScale: options.keysScale,
    promptMode: options.promptMode,
    population: targetedPopulation(options.keysScale),
  });
  const recs = recorders(sim);
  const detector = options.detector ?? (await defaultDetector());
  const baseline = new RateLimitBaseline(recs.rateLimit);
  const hooks = { onProgress: options.onProgress, onAlert: options.onAlert };
  const run = await runDetector(sim, detector, { detector: recs.detector, rateLimit: baseline }, hooks);
  runIsolationBaseline(run.features, recs.isolation);
  const report = buildReport(sim, run, recs, (performance.now() - startedAt) / 1000);
  if (options.outDir === null) return { report, truth: sim.truth, markdown: '', files: [] };
  await mkdir(options.outDir, { recursive: true });
  const plots = await writePlots(options.outDir, report.systems, options.hours);
  const markdown = renderMarkdown(report, options.command, plots, options.notes ?? []);
  await writeFile(join(options.outDir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(options.outDir, 'eval.md'), markdown);
  return { report, truth: sim.truth, markdown, files: ['eval.md', 'eval.json', ...plots] };
}
