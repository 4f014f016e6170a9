import { join } from 'node:path';
import { z } from 'zod';
import { type Config, loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { createLogger } from '../../common/logger.ts';
import { MODEL_FEATURES, modelInputs } from '../../detector/features/feature-roles.ts';
import { loadConfiguredElicitation } from '../../ml/elicitation/elicitation-model-file.ts';
import { initTf } from '../../ml/runtime.ts';
import { createProgress, type Progress } from '../../simulator/progress.ts';
import { readAnalystLabels } from '../../training/analyst-labels.ts';
import { trainFromClickHouse } from '../../training/clickhouse-train.ts';
import { generateSimulatedRun } from '../../training/simulated-run.ts';
import { runTraining, type SavedModel, type TrainProgress } from '../../training/train-run.ts';
import { parseCommandArgs, refuseExisting, storedWindow, validArgs, versionArg } from '../args.ts';

export const summary =
  'train the tfjs models on simulated traffic, or on stored analyst-labelled traffic (--from-clickhouse)';

export const usage = `usage: distillguard train [--seed N --hours H --out DIR --version V] [--with-labels LABELS.jsonl]
       distillguard train --from-clickhouse [--from T --to T] [--held-out-days N] [--out DIR --version V]

  --seed N             first training seed (default 1); classic runs use N, N+1, …, randomised r1/r2 N+100, N+101,
                       and r1 with outputs ×2, r2 with rates ×2 N+102, N+103;
                       held-out classic N+1000 (seed) and N+2000 (variant 2)
  --hours H            simulated hours per run (default 12)
  --keys-scale X       multiply the simulator's default population (default 1)
  --train-runs K       simulated runs (seeds) to train on (default 2)
  --out DIR            models directory (default: DG_MODELS_DIR, i.e. models)
  --version V          version directory to write (default 1); an existing one needs --force
  --with-labels FILE   analyst labels, JSONL {api_key_id, label: true_positive|false_positive|benign_heavy_user, ts?}
  --force              overwrite an existing version
  --from-clickhouse    train on the service's stored key_features, labelled by the analysts' verdicts in alerts,
                       instead of simulated traffic (models/README.md "Training from analyst-labelled traffic")
  --from T, --to T     with --from-clickhouse: event-time window (dates are UTC midnights; default the 14 days
                       before today)
  --held-out-days N    with --from-clickhouse: the last N days of the window are held out and reported (default 2)

Writes DIR/autoencoder/V/ and DIR/classifier/V/ (model.json, weights.bin, metadata.json with held-out metrics).`;

const OPTIONS = {
  seed: { type: 'string' },
  hours: { type: 'string' },
  'keys-scale': { type: 'string' },
  'train-runs': { type: 'string' },
  out: { type: 'string' },
  version: { type: 'string' },
  'with-labels': { type: 'string' },
  force: { type: 'boolean' },
  'from-clickhouse': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  'held-out-days': { type: 'string' },
} as const;

const argsSchema = z.object({
  seed: z.coerce.number().int().default(1),
  hours: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  'keys-scale': z.coerce.number().positive().max(100).default(1),
  'train-runs': z.coerce.number().int().min(1).max(20).default(2),
  version: versionArg,
  'held-out-days': z.coerce.number().int().min(1).max(60).default(2),
});

const STAGE_LABELS: Record<TrainProgress['stage'], string> = {
  simulate: 'simulate+detect',
  autoencoder: 'autoencoder   ',
  classifier: 'classifier    ',
  save: 'save          ',
};

/** One bar per stage on a TTY; each stage's progress in percent, its rate and an ETA from that rate. */
function stageProgress(): { report: (p: TrainProgress) => void; stop: () => void } {
  let current: { stage: TrainProgress['stage']; bar: Progress; began: number } | undefined;
  return {
    report(p) {
      if (current?.stage !== p.stage) {
        current?.bar.stop();
        current = { stage: p.stage, bar: createProgress(STAGE_LABELS[p.stage], 100, '%'), began: performance.now() };
      }
      const seconds = (performance.now() - current.began) / 1000;
      const perSecond = p.done / Math.max(seconds, 0.001);
      const eta = p.done > 0 ? `${Math.round((p.total - p.done) / perSecond)} s` : '?';
      current.bar.update(Math.round((100 * p.done) / Math.max(1, p.total)), {
        detail: `${p.done.toFixed(1)}/${p.total}, ${perSecond.toFixed(1)}/s, ETA ${eta}`,
      });
    },
    stop: () => current?.bar.stop(),
  };
}

function printMetrics(name: string, saved: SavedModel): void {
  console.log(`\n${name}: ${saved.dir}`);
  console.log('  split             pr_auc  roc_auc  recall  fpr      key_recall  benign_keys_flagged/1000');
  for (const [split, m] of Object.entries(saved.metadata.metrics)) {
    const cell = (k: string, w: number) => String(m[k] ?? '-').padEnd(w);
    console.log(
      `  ${split.padEnd(17)} ${cell('pr_auc', 7)} ${cell('roc_auc', 8)} ${cell('recall', 7)} ${cell('fpr', 8)} ${cell('key_recall', 11)} ${cell('benign_keys_flagged_per_1000', 8)}`,
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('train', argv, OPTIONS);
  const args = validArgs('train', argsSchema, values);
  const config = loadConfig();
  const outDir = values.out ?? config.ml.modelsDir;
  await refuseExisting(
    ['autoencoder', 'classifier'].map((kind) => join(outDir, kind, args.version)),
    values.force,
  );
  if (values['from-clickhouse']) return trainOnStoredTraffic(config, values, args, outDir);
  const labels = values['with-labels'] ? await readAnalystLabels(values['with-labels']) : [];
  const strideMs = 10 * 60_000;
  // harvest_instruction_share comes from the elicitation classifier: the features trained on are the ones it scores
  const elicitation = await loadConfiguredElicitation(config.ml);
  return trainAndReport(config, `; ${labels.length} analyst label rows read`, (onProgress) =>
    runTraining({
      seed: args.seed,
      hours: args.hours,
      keysScale: args['keys-scale'],
      trainRuns: args['train-runs'],
      strideMs,
      validationShare: 0.2,
      labels,
      labelsFile: values['with-labels'] ?? null,
      version: args.version,
      outDir,
      features: MODEL_FEATURES,
      inputsOf: (values) => modelInputs(values),
      randomised: true,
      generate: (spec, onProgress) =>
        generateSimulatedRun(spec, onProgress, { strideMs, detector: config.detector, elicitation }),
      onProgress,
    }),
  );
}

/** Initialises tfjs, trains with a progress bar per stage, then prints the backend, the time and each model's metrics. */
async function trainAndReport(
  config: Config,
  source: string,
  train: (onProgress: (p: TrainProgress) => void) => Promise<Record<'autoencoder' | 'classifier', SavedModel>>,
): Promise<number> {
  const logger = createLogger({ level: config.log.level, destination: process.stderr });
  const backend = await initTf({ backend: config.ml.backend, logger });
  const progress = stageProgress();
  const started = performance.now();
  try {
    const result = await train(progress.report);
    progress.stop();
    console.log(`trained on backend ${backend} in ${((performance.now() - started) / 1000).toFixed(1)}s${source}`);
    printMetrics('autoencoder', result.autoencoder);
    printMetrics('classifier', result.classifier);
    return 0;
  } finally {
    progress.stop();
  }
}

/** `--from-clickhouse`: the stored, analyst-labelled traffic of the running service instead of the simulator. */
async function trainOnStoredTraffic(
  config: Config,
  values: { from?: string | undefined; to?: string | undefined; 'with-labels'?: string | undefined },
  args: z.output<typeof argsSchema>,
  outDir: string,
): Promise<number> {
  if (values['with-labels']) throw errors.badInput('--with-labels and --from-clickhouse exclude each other');
  return trainAndReport(config, ' from ClickHouse', (onProgress) =>
    trainFromClickHouse({
      config,
      window: storedWindow(values),
      heldOutDays: args['held-out-days'],
      seed: args.seed,
      version: args.version,
      outDir,
      onProgress,
      onMessage: (message) => console.error(`train: ${message}`),
    }),
  );
}
