import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { stderrProgress } from '../../eval/dataset-progress.ts';
import { DATASET_ID_FORMS, fullPlan, reportSpecs, smallPlan } from '../../eval/datasets/catalogue.ts';
import { runEval } from '../../eval/run-eval.ts';
import { parseCommandArgs, validArgs } from '../args.ts';

export const summary = 'evaluate the detector and four baselines under the held-out protocol (services/eval/README.md)';

export const usage = `usage: distillguard eval [options]

Fits the baselines on TUNING datasets, then replays each report dataset (held-out randomised r4, in-distribution
classic seed 2026 and randomised r1 seed 1000) through the detector with and without its tfjs models, a rate limit,
an Isolation Forest, a logistic regression and the "hosting network, young key" shortcut rule; runs the context-swap
test on held-out data; writes eval.md, eval.json and SVG plots. The full run takes tens of minutes on 2 cores.

  --small            tiny datasets of both families, every part exercised: seconds, for CI
  --datasets LIST    report datasets, e.g. r4:1001,classic:2026,r1:1000 (${DATASET_ID_FORMS})
  --hours H          simulated hours of each report dataset
  --benign-keys N    benign keys of each randomised report dataset
  --keys-scale X     population scale of each classic report dataset
  --no-swap          skip the context-swap test
  --no-ml            do not load the tfjs models (DG_ML_ENABLED=false does the same)
  --jobs N           report passes in parallel on N worker threads (default 2; --small and --alerts: 1)
  --out-dir DIR      where reports go (default reports)
  --alerts FILE      also write the detector's alerts as JSONL, one {dataset, alert} per line`;

const OPTIONS = {
  small: { type: 'boolean' },
  datasets: { type: 'string' },
  hours: { type: 'string' },
  'benign-keys': { type: 'string' },
  'keys-scale': { type: 'string' },
  'no-swap': { type: 'boolean' },
  'no-ml': { type: 'boolean' },
  jobs: { type: 'string' },
  'out-dir': { type: 'string' },
  alerts: { type: 'string' },
} as const;

const positive = z.coerce.number().positive().optional();
const count = z.coerce.number().int().positive().optional();
const argsSchema = z.object({ hours: positive, 'benign-keys': count, 'keys-scale': positive, jobs: count });

function commandLine(argv: string[]): string {
  return ['bin/distillguard eval', ...argv].join(' ');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('eval', argv, OPTIONS);
  const plan = values.small ? smallPlan() : fullPlan();
  const args = validArgs('eval', argsSchema, values);
  const sizes = { hours: args.hours, benignKeys: args['benign-keys'], keysScale: args['keys-scale'] };
  try {
    if (values.datasets !== undefined || Object.values(sizes).some((v) => v !== undefined)) {
      const ids =
        values.datasets ??
        plan.report.map((s) => (s.family === 'classic' ? 'classic' : s.variant) + `:${s.seed}`).join(',');
      plan.report = reportSpecs(ids, plan, sizes);
    }
  } catch (error) {
    throw errors.badInput((error as Error).message);
  }
  if (values['no-swap']) plan.swap = false;
  const config = loadConfig();
  const useMl = !values['no-ml'] && config.ml.enabled;
  const note = useMl
    ? `tfjs models from ${config.ml.modelsDir} (a warning below says when they could not be loaded).`
    : 'tfjs models not used (--no-ml or DG_ML_ENABLED=false).';
  const jobs = values.alerts ? 1 : (args.jobs ?? (values.small ? 1 : 2));
  const alerts: string[] = [];
  const { report, files } = await runEval({
    plan,
    detector: 'config',
    ml: useMl,
    jobs,
    outDir: values['out-dir'] ?? 'reports',
    command: commandLine(argv),
    notes: [note],
    progress: stderrProgress(),
    onAlert: values.alerts ? (dataset, alert) => alerts.push(JSON.stringify({ dataset, alert })) : undefined,
  });
  if (values.alerts) await writeFile(values.alerts, alerts.map((a) => `${a}\n`).join(''));
  for (const t of report.targets) {
    console.error(`${t.met ? 'met   ' : 'MISSED'} ${t.dataset}: ${t.target}: ${t.actual} (${t.gap})`);
  }
  console.error(`wrote ${files.join(', ')} in ${report.timing.seconds.toFixed(0)} s`);
  return 0;
}
