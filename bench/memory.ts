import { z } from 'zod';
import { runWorker } from './lib/child.ts';
import { codePath } from './lib/machine.ts';
import type { Figure } from './lib/results-schema.ts';
import { type RunOptions, requireExport, type Scenario } from './lib/scenario.ts';

const PIPELINE = 'services/detector/pipeline.ts';
const sample = z.object({
  rss: z.number(),
  heapUsed: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
  stats: z.object({ keys: z.number(), compactedKeys: z.number(), evictedKeys: z.number(), keysSeen: z.number() }),
});
const workerResult = z.object({
  keys: z.number(),
  events: z.number(),
  seconds: z.number(),
  before: sample.omit({ stats: true }),
  mixed: sample,
  compacted: sample,
  deltas: z.number(),
  deltaBytes: z.number(),
});
type WorkerResult = z.output<typeof workerResult>;

/** V8 heap plus memory outside it (`external` includes typed arrays' backing stores, `arrayBuffers`). */
const heapOf = (s: { heapUsed: number; external: number }) => s.heapUsed + s.external;

function figures(r: WorkerResult): Figure[] {
  const perKey = (bytes: number) => bytes / r.keys;
  const idlePerKey = perKey(heapOf(r.compacted) - heapOf(r.before));
  const activeExtra = (heapOf(r.mixed) - heapOf(r.compacted)) / Math.max(1, r.mixed.stats.keys);
  return [
    { name: 'RSS with 1M keys seen (mixed)', unit: 'MB', value: r.mixed.rss / 1e6, target: { op: '<=', value: 2000 } },
    { name: 'RSS growth per key seen (mixed)', unit: 'B', value: perKey(r.mixed.rss - r.before.rss) },
    { name: 'heap per key seen (mixed)', unit: 'B', value: perKey(heapOf(r.mixed) - heapOf(r.before)) },
    { name: 'heap per idle (compacted) key', unit: 'B', value: idlePerKey, target: { op: '<=', value: 1024 } },
    { name: 'extra heap per active key', unit: 'B', value: activeExtra },
    { name: 'active keys at the mixed measurement', unit: 'keys', value: r.mixed.stats.keys },
    { name: 'pipeline events/s while filling', unit: 'ev/s', value: r.events / r.seconds },
  ];
}

async function start(o: RunOptions) {
  await requireExport(PIPELINE, 'createDetectorPipeline');
  const keys = o.smoke ? 5_000 : 1_000_000;
  let last: WorkerResult | null = null;
  return {
    async run(): Promise<Figure[]> {
      last = await runWorker('memory-keys.ts', workerResult, {
        args: ['--keys', String(keys), '--module', codePath(PIPELINE)],
        nodeArgs: ['--expose-gc', '--max-old-space-size=8192'],
      });
      return figures(last).map((f) => (o.smoke ? { ...f, name: f.name.replace('1M', '5k') } : f));
    },
    notes: async () => {
      const r = last!;
      return [
        `${r.keys.toLocaleString('en-US')} distinct keys, each sending one event (~200-character prompt) over 5 h of event time; every tenth key then sends 3 more in the following hour. With the default 2 h idle-compaction limit, the mixed measurement has ${r.mixed.stats.keys.toLocaleString('en-US')} keys with full state and ${r.mixed.stats.compactedKeys.toLocaleString('en-US')} compacted; one event 4 h later compacts the rest (${r.compacted.stats.compactedKeys.toLocaleString('en-US')}).`,
        `Change tracking on, as in the stream service: a full checkpoint after the warm-up, then a delta checkpoint every 50,000 events, both in pages of the stream's default size (${r.deltas} deltas, ${(r.deltaBytes / 1e6).toFixed(0)} MB of JSON in all); each measurement holds the changes pending since the last delta.`,
        'Measured in a child process after two forced GCs (`--expose-gc`): heap = V8 heap used + external memory (which includes array buffers; results before commit 4157437 added array buffers a second time), minus the same before the keys arrived (1,000 warm-up keys, already compacted, and the population statistics excluded). The events/s figure includes generating the events and taking the delta checkpoints, and is not the hot-path figure. RSS includes V8’s retained free pages, so it overstates live state.',
      ];
    },
    close: async () => {},
  };
}

export const memory: Scenario = {
  name: 'memory',
  title: 'Detector memory per key',
  target: 'RSS ≤ 2 GB after 1M distinct keys (mix of active and idle); ≤ 1 KB per idle key.',
  // Memory is deterministic for a given input and one run takes minutes on 2 cores; the spread adds little.
  runs: { full: 1, smoke: 1 },
  start,
};
