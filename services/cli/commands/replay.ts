import { SingleBar } from 'cli-progress';
import { loadConfig } from '../../common/config/index.ts';
import type { PipelineStats } from '../../detector/types.ts';
import { buildOfflineDetector } from '../../replay/build-detector.ts';
import { type ReplaySummary, runReplay } from '../../replay/run-replay.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'run the detector over a usage.v1 JSONL file in event time and write alerts as JSONL';

export const usage = `usage: distillguard replay --input EVENTS.jsonl --alerts ALERTS.jsonl [--features FEATURES.jsonl]
                          [--no-coordination] [--no-ml]

  --input            usage.v1 events, one JSON object per line (bad lines are reported on stderr and skipped)
  --alerts           where to write one alert.v1 JSON object per line (deterministic for the same input)
  --features         also write the per-key feature snapshots (key_features rows) as JSONL
  --no-coordination  stage 1 only: no cluster alerts
  --no-ml            rules and statistics only, without the tfjs models`;

function progressBar(): { update(read: number, total: number): void; stop(): void } | null {
  if (!process.stderr.isTTY) return null;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'replay |{bar}| {percentage}% {value}/{total} MB | eta {eta_formatted}',
    hideCursor: true,
  });
  let started = false;
  return {
    update(read, total) {
      const mb = (n: number) => Math.round(n / 1_048_576);
      if (!started) bar.start(Math.max(1, mb(total)), 0);
      started = true;
      bar.update(mb(read));
    },
    stop: () => started && bar.stop(),
  };
}

function printSummary(s: ReplaySummary, stats: PipelineStats): void {
  const rate = s.seconds > 0 ? Math.round(s.events / s.seconds) : s.events;
  const byKind = Object.entries(stats.alertsByKind).map(([k, n]) => `${k} ${n}`);
  const byCategory = Object.entries(stats.alertsByCategory)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ${n}`);
  console.log(`events      ${s.events} (${s.lines} lines, ${s.badLines} bad)`);
  console.log(`throughput  ${rate} events/s over ${s.seconds.toFixed(1)} s`);
  console.log(`keys        ${stats.keysSeen} (${stats.keys} active, ${stats.compactedKeys} compacted at the end)`);
  console.log(`snapshots   ${stats.snapshots}${s.featureRows ? ` (${s.featureRows} written)` : ''}`);
  console.log(`alerts      ${s.alerts}${byKind.length ? ` — by kind: ${byKind.join(', ')}` : ''}`);
  if (byCategory.length) console.log(`            by category: ${byCategory.join(', ')}`);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('replay', argv, {
    input: { type: 'string' },
    alerts: { type: 'string' },
    features: { type: 'string' },
    'no-coordination': { type: 'boolean' },
    'no-ml': { type: 'boolean' },
  });
  if (!values.input || !values.alerts) {
    console.log(usage);
    return 2;
  }
  const config = loadConfig();
  const pipeline = await buildOfflineDetector({
    config,
    coordination: !values['no-coordination'],
    ml: !values['no-ml'],
    featureRows: values.features !== undefined,
    warn: (message) => console.error(`replay: ${message}`),
  });
  const bar = progressBar();
  const result = await runReplay({
    input: values.input,
    alerts: values.alerts,
    features: values.features,
    pipeline,
    onBadLine: (line, reason) => process.stderr.write(`replay: line ${line}: ${reason}\n`),
    onProgress: bar ? (read, total) => bar.update(read, total) : undefined,
  });
  bar?.stop();
  printSummary(result, pipeline.stats());
  return 0;
}
