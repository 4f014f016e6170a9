import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { buildOfflineDetector } from '../../detector/replay/build-detector.ts';
import { runEval } from '../../eval/run-eval.ts';
import { promptModeSchema } from '../../simulator/index.ts';
import { DEFAULT_START } from '../../simulator/options.ts';
import { createProgress } from '../../simulator/progress.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'evaluate the detector and two baselines on simulated traffic against its ground truth';

const HELP = `usage: distillguard eval [options]

Simulates a dataset, replays it through the detector (the replay code path), a static rate-limit rule and an
Isolation Forest, and writes reports/eval.md, reports/eval.json and PNG plots.

  --seed N           simulator seed (default 2026, not a training seed)
  --hours H          simulated hours (default 24)
  --keys-scale X     population scale (default 1: ~670 keys; 6 campaigns each of bulk, CoT and sweep)
  --prompt-mode M    text | fingerprint | both (default text)
  --small            a CI-sized run: 2 hours, keys-scale 0.15
  --no-ml            do not load the tfjs models (DG_ML_ENABLED=false does the same)
  --out-dir DIR      where reports go (default reports)
  --alerts FILE      also write the detector's alerts as JSONL (for triage of misses and false positives)
  --truth FILE       also write the dataset's ground truth as JSON`;

const OPTIONS = {
  seed: { type: 'string' },
  hours: { type: 'string' },
  'keys-scale': { type: 'string' },
  'prompt-mode': { type: 'string' },
  small: { type: 'boolean' },
  'no-ml': { type: 'boolean' },
  'out-dir': { type: 'string' },
  alerts: { type: 'string' },
  truth: { type: 'string' },
} as const;

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw errors.badInput(`--${name} must be a positive number`);
  return value;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('eval', argv, OPTIONS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const hours = positive('hours', values.hours, values.small ? 2 : 24);
  const keysScale = positive('keys-scale', values['keys-scale'], values.small ? 0.15 : 1);
  const seed = Number.parseInt(values.seed ?? '2026', 10);
  const promptMode = promptModeSchema.safeParse(values['prompt-mode'] ?? 'text');
  if (!promptMode.success || !Number.isInteger(seed)) throw errors.badInput('bad --seed or --prompt-mode');
  const notes: string[] = [];
  const config = loadConfig();
  const useMl = !values['no-ml'] && config.ml.enabled;
  const detector = await buildOfflineDetector({ config, coordination: true, ml: useMl, warn: (m) => notes.push(m) });
  if (useMl && notes.length === 0) notes.push(`tfjs autoencoder and classifier from ${config.ml.modelsDir} used.`);
  if (!useMl) notes.push('tfjs models not used (--no-ml or DG_ML_ENABLED=false).');
  const bar = createProgress('eval', Math.round(hours * 60), 'sim-minutes');
  const start = Date.parse(DEFAULT_START);
  const command = `bin/distillguard eval --seed ${seed} --hours ${hours} --keys-scale ${keysScale} --prompt-mode ${promptMode.data}`;
  try {
    const alerts: string[] = [];
    const { report, truth, files } = await runEval({
      seed,
      hours,
      keysScale,
      promptMode: promptMode.data,
      outDir: values['out-dir'] ?? 'reports',
      detector,
      command,
      notes,
      onAlert: values.alerts ? (alert) => alerts.push(JSON.stringify(alert)) : undefined,
      onProgress: (ts, events) => bar.update(Math.floor((ts - start) / 60_000), { detail: `${events} events` }),
    });
    bar.update(Math.round(hours * 60), { detail: `${report.dataset.events} events` });
    bar.stop();
    if (values.alerts) await writeFile(values.alerts, alerts.map((a) => `${a}\n`).join(''));
    if (values.truth) await writeFile(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
    for (const t of report.targets) console.error(`${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.actual} (${t.gap})`);
    console.error(`wrote ${files.join(', ')} in ${report.timing.seconds.toFixed(0)} s`);
  } finally {
    bar.stop();
  }
  return 0;
}
