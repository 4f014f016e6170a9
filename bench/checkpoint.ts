import { z } from 'zod';
import { runWorker } from './lib/child.ts';
import { codePath } from './lib/machine.ts';
import type { Figure } from './lib/results-schema.ts';
import { type RunOptions, requireExport, type Scenario } from './lib/scenario.ts';

const PIPELINE = 'services/detector/pipeline.ts';
const cost = z.object({ seconds: z.number(), wallSeconds: z.number(), raw: z.number(), gzipped: z.number() });
const workerResult = z.object({
  keys: z.number(),
  partitions: z.number(),
  full: cost,
  delta1: cost,
  delta10: cost,
  activeKeys: z.number(),
  compactedKeys: z.number(),
});
type WorkerResult = z.output<typeof workerResult>;

const MB = 1e6;

function figures(r: WorkerResult): Figure[] {
  return [
    { name: 'full checkpoint round (every key), CPU time', unit: 's', value: r.full.seconds },
    { name: 'full checkpoint round, gzipped', unit: 'MB', value: r.full.gzipped / MB },
    { name: 'delta round, 1% of keys changed, CPU time', unit: 's', value: r.delta1.seconds },
    { name: 'delta round, 1% of keys changed, gzipped', unit: 'MB', value: r.delta1.gzipped / MB },
    { name: 'delta round, 10% of keys changed, CPU time', unit: 's', value: r.delta10.seconds },
    { name: 'delta round, 10% of keys changed, gzipped', unit: 'MB', value: r.delta10.gzipped / MB },
    {
      name: 'delta (1% changed) / full, bytes',
      unit: 'ratio',
      value: r.delta1.gzipped / r.full.gzipped,
    },
    {
      name: 'delta 10% / delta 1%, bytes (10 if proportional)',
      unit: 'ratio',
      value: r.delta10.gzipped / r.delta1.gzipped,
    },
  ];
}

async function start(o: RunOptions) {
  await requireExport(PIPELINE, 'createDetectorPipeline');
  const keys = o.smoke ? 5_000 : 1_000_000;
  let last: WorkerResult | null = null;
  return {
    async run(): Promise<Figure[]> {
      last = await runWorker('checkpoint-keys.ts', workerResult, {
        args: ['--keys', String(keys), '--partitions', '4', '--module', codePath(PIPELINE)],
        nodeArgs: ['--max-old-space-size=8192'],
      });
      return figures(last);
    },
    notes: async () => {
      const r = last!;
      const n = (x: number) => x.toLocaleString('en-US');
      return [
        `${n(r.keys)} distinct keys over ${r.partitions} source partitions (one detector pipeline each, as \`distillguard stream\` runs them), each key one event (~200-character prompt) over 5 h of event time, then compacted when idle. A full checkpoint round writes every key of every partition; then 1% of the keys (spread over the key space) send one event and a delta round writes what changed, then 10% and another delta round. At the end ${n(r.activeKeys)} keys have full state and ${n(r.compactedKeys)} are compacted.`,
        `Time = CPU seconds (user + system) of encoding the state or delta (JSON pages of 4 MiB) plus gzip of each page, as the checkpoint store does before its inserts (wall: full ${r.full.wallSeconds.toFixed(1)} s, delta 1% ${r.delta1.wallSeconds.toFixed(2)} s); the ClickHouse inserts are not timed. Raw (uncompressed) bytes: full ${(r.full.raw / MB).toFixed(1)} MB, delta 1% ${(r.delta1.raw / MB).toFixed(1)} MB, delta 10% ${(r.delta10.raw / MB).toFixed(1)} MB. A changed key is written with its full active state (~5 KB of JSON) where a compacted key in the full checkpoint is ~0.5 KB, so a delta of 1% of the keys weighs ${((100 * r.delta1.raw) / r.full.raw).toFixed(1)}% of the full round raw, ${((100 * r.delta1.gzipped) / r.full.gzipped).toFixed(1)}% gzipped (compacted keys compress better).`,
      ];
    },
    close: async () => {},
  };
}

export const checkpoint: Scenario = {
  name: 'checkpoint',
  title: 'Detector checkpoints: full against delta',
  target: 'Checkpoint cost proportional to keys changed since the last checkpoint, not to all keys.',
  runs: { full: 1, smoke: 1 },
  start,
};
