import { join } from 'node:path';
import { z } from 'zod';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { createClickHouse } from '../../common/clickhouse/client.ts';
import { type Config, loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { thresholdsFromCalibration } from '../../detector/calibration/alert-thresholds.ts';
import { type CalibrationFile, writeCalibration } from '../../detector/calibration/calibration-file.ts';
import { ReferenceCollector } from '../../detector/calibration/reference-collector.ts';
import { createDetectorPipeline } from '../../detector/pipeline.ts';
import { loadTfjsScorers } from '../../detector/scorers/tfjs-scorer.ts';
import { buildDataset, type DatasetSpec } from '../../eval/datasets/catalogue.ts';
import { assertTuningDataset } from '../../eval/protocol.ts';
import { loadConfiguredElicitation } from '../../ml/elicitation/elicitation-model-file.ts';
import type { Dataset } from '../../simulator/dataset.ts';
import { createProgress } from '../../simulator/progress.ts';
import type { StressRegime, TuningVariant } from '../../simulator/randomised/randomised-options.ts';
import { modelsInUse, storedCalibration } from '../../training/clickhouse-reference.ts';
import { parseCommandArgs, refuseExisting, storedWindow, validArgs, versionArg } from '../args.ts';

export const summary = 'calibrate the alert thresholds to the false-positive budget on benign tuning traffic';

export const usage = `usage: distillguard calibrate [--version V] [--out DIR] [--small] [--force]
       distillguard calibrate --from-clickhouse [--from T --to T] [--profile ml|rules] [--version V] [--out DIR]

Replays the TUNING datasets of the evaluation protocol (services/eval/protocol.ts: classic seeds other than 2026,
randomised r1/r2 with seeds < 1000 and the ShareGPT tune slice; held-out data is refused) through the detector twice,
with the tfjs models and with rules and statistics only, and records each benign key-day's highest evidence score.
The detector then sets its alert thresholds from this reference for DG_DETECTOR_FP_BUDGET (benign keys alerted per
1,000 per day).

  --version V   calibration version to write (default 1); an existing one needs --force
  --out DIR     models directory (default: DG_MODELS_DIR, the bundled models/)
  --small       tiny datasets (seconds; for tests)
  --force       overwrite an existing version
  --from-clickhouse   the reference from the service's stored evidence scores instead: each benign key-day's
                      highest (keys with a true-positive verdict or an unresolved alert left out)
  --from T, --to T    its event-time window (dates are UTC midnights; default the 14 days before today)
  --profile P         which detector scored the stored rows: ml (rules + the configured tfjs models) or rules
                      (default: ml when DG_ML_ENABLED); the other profile is kept from the calibration in use

Writes DIR/calibration/V/calibration.json and prints the thresholds at budgets 0.5, 1, 2 and 5.`;

const OPTIONS = {
  version: { type: 'string' },
  out: { type: 'string' },
  small: { type: 'boolean' },
  force: { type: 'boolean' },
  'from-clickhouse': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  profile: { type: 'string' },
} as const;

const argsSchema = z.object({ version: versionArg, profile: z.enum(['ml', 'rules']).optional() });

/**
 * The benign reference: tuning datasets only (about 12,000 benign key-days; seeds unused by training and eval; r3 since
 * it joined the tuning variants on 2026-12-03), five of them in stress regimes — every output twice as long (a more verbose model), every rate doubled (a busier vendor),
 * and each segment's outputs and rates drawn anew (segments unlike the variants' own) — so the thresholds hold when a
 * vendor's traffic is not shaped like the variants' own.
 */
const FULL_SPECS: DatasetSpec[] = [
  { family: 'classic', seed: 41, hours: 24, keysScale: 1 },
  { family: 'randomised', variant: 'r1', seed: 41, hours: 24, benignKeys: 2_000, humanPrompts: 'tune' },
  { family: 'randomised', variant: 'r2', seed: 42, hours: 24, benignKeys: 2_000, humanPrompts: 'tune' },
  stressed('r1', 43, { outScale: 2 }),
  stressed('r2', 44, { rateScale: 2 }),
  stressed('r1', 45, { segmentJitter: 0.6 }),
  stressed('r2', 46, { segmentJitter: 0.6 }),
  { family: 'randomised', variant: 'r3', seed: 47, hours: 24, benignKeys: 2_000, humanPrompts: 'tune' },
  stressed('r3', 48, { segmentJitter: 0.6 }),
];

function stressed(variant: TuningVariant, seed: number, stress: StressRegime): DatasetSpec {
  return { family: 'randomised', variant, seed, hours: 24, benignKeys: 1_000, humanPrompts: 'tune', stress };
}
const SMALL_SPECS: DatasetSpec[] = [
  { family: 'classic', seed: 41, hours: 2, keysScale: 0.1 },
  { family: 'randomised', variant: 'r1', seed: 41, hours: 2, benignKeys: 60, humanPrompts: 'tune' },
];

function benignSegments(ds: Dataset): (apiKeyId: string) => string | null {
  const segments = new Map(ds.truth.keys.filter((k) => k.label === 'benign').map((k) => [k.api_key_id, k.archetype]));
  return (apiKeyId) => segments.get(apiKeyId) ?? null;
}

/** One pass over a dataset feeding both profiles' pipelines; returns the latest event time seen. */
async function replayInto(
  ds: Dataset,
  profiles: Array<{ pipeline: ReturnType<typeof createDetectorPipeline>; collector: ReferenceCollector }>,
): Promise<number> {
  const span = ds.hours * 3_600_000;
  const start = Date.parse(ds.truth.start);
  const bar = createProgress(ds.name.padEnd(28).slice(0, 28), 100, '%');
  let last = start;
  let events = 0;
  try {
    for (const { event } of ds.timedEvents) {
      const parsed = parseEventValue(event);
      if (!parsed.ok) throw errors.badInput(`${ds.name} produced an invalid event: ${parsed.reason}`);
      for (const p of profiles) for (const s of p.pipeline.process(parsed.event).features) p.collector.observe(s);
      last = parsed.event.ts;
      if (++events % 20_000 === 0) {
        bar.update(Math.round((100 * (last - start)) / span), { detail: `${events.toLocaleString('en-US')} events` });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (const p of profiles) for (const s of p.pipeline.finish().features) p.collector.observe(s);
  } finally {
    bar.stop();
  }
  return last;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('calibrate', argv, OPTIONS);
  const args = validArgs('calibrate', argsSchema, values);
  const config = loadConfig();
  const dir = join(values.out ?? config.ml.modelsDir, 'calibration', args.version);
  await refuseExisting([dir], values.force);
  if (values['from-clickhouse']) return calibrateFromStoredTraffic(config, values, args, dir);
  const scorers = await loadTfjsScorers({ ...config.ml, enabled: true });
  const elicitation = await loadConfiguredElicitation(config.ml);
  const ml = new ReferenceCollector(() => null);
  const rules = new ReferenceCollector(() => null);
  const names: string[] = [];
  let latest = 0;
  for (const spec of values.small ? SMALL_SPECS : FULL_SPECS) {
    const ds = buildDataset(spec);
    assertTuningDataset(ds);
    names.push(ds.name);
    const segmentOf = benignSegments(ds);
    const profiles = [
      {
        pipeline: createDetectorPipeline({ config: config.detector, scorers, elicitation }),
        collector: new ReferenceCollector(segmentOf),
      },
      {
        pipeline: createDetectorPipeline({ config: config.detector, elicitation }),
        collector: new ReferenceCollector(segmentOf),
      },
    ];
    latest = Math.max(latest, await replayInto(ds, profiles));
    ml.absorb(profiles[0]!.collector);
    rules.absorb(profiles[1]!.collector);
  }
  const file: CalibrationFile = {
    format: 'distillguard-calibration/1',
    version: args.version,
    created: new Date(latest).toISOString(),
    models: await modelsInUse(config.ml),
    datasets: names,
    profiles: { ml: ml.profile(), rules: rules.profile() },
  };
  const path = await writeCalibration(dir, file);
  console.log(`wrote ${path}: ${file.profiles.rules.key_days.toLocaleString('en-US')} benign key-days`);
  printThresholds(file);
  return 0;
}

function printThresholds(file: CalibrationFile): void {
  for (const profile of ['ml', 'rules'] as const) {
    for (const budget of [0.5, 1, 2, 5]) {
      const t = thresholdsFromCalibration(file, profile === 'ml', budget);
      console.log(
        `  ${profile.padEnd(5)} budget ${String(budget).padEnd(4)} medium ${t.medium} high ${t.high} critical ${t.critical}`,
      );
    }
  }
}

/** `--from-clickhouse`: the benign reference from the running service's stored evidence scores. */
async function calibrateFromStoredTraffic(
  config: Config,
  values: { from?: string | undefined; to?: string | undefined },
  args: z.output<typeof argsSchema>,
  dir: string,
): Promise<number> {
  const ch = createClickHouse(config.clickhouse);
  try {
    const profile = args.profile ?? (config.ml.enabled ? 'ml' : 'rules');
    const { file, reference } = await storedCalibration({
      ch,
      ml: config.ml,
      version: args.version,
      window: storedWindow(values),
      profile,
      onProgress: (message) => console.error(`calibrate: ${message}`),
    });
    const path = await writeCalibration(dir, file);
    const { read, truePositive, unresolved } = reference.keyDays;
    console.log(
      `wrote ${path}: ${profile} profile from ${reference.profile.key_days} benign key-days of ${read} stored ` +
        `(left out: ${truePositive} of keys with a true-positive verdict, ${unresolved} of keys in unresolved alerts)`,
    );
    printThresholds(file);
    return 0;
  } finally {
    await ch.close();
  }
}
