// Detector checkpoints of a stream process that has seen `--keys` distinct keys over `--partitions` source
// partitions (one pipeline each, as `distillguard stream` runs them): the cost of one full checkpoint round (every
// key written) and of delta rounds after 1% and 10% of the keys sent an event. Cost = encoding the state in pages plus
// gzip of each page, as the checkpoint store does before its inserts (the inserts are not timed), in CPU seconds.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { createDetectorPipeline as CreatePipeline } from '../../services/detector/pipeline.ts';
import { emitResult } from '../lib/child.ts';
import { syntheticEvent } from '../lib/synthetic-events.ts';

const { values } = parseArgs({
  options: { keys: { type: 'string' }, partitions: { type: 'string' }, module: { type: 'string' } },
});
const keys = Number(values.keys);
const partitions = Number(values.partitions);
const { createDetectorPipeline } = (await import(values.module!)) as { createDetectorPipeline: typeof CreatePipeline };

const HOUR = 3_600_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const ARRIVALS_MS = 5 * HOUR;

function event(k: number, n: number, ts: number): UsageEvent {
  const e = syntheticEvent(k * 4 + n, { keys: 1, promptChars: 200, rate: 1, idPrefix: `c${n}` });
  return { ...e, ts, api_key_id: `key-${k}`, org_id: `org-${k % 50_000}`, key_created_at: undefined } as UsageEvent;
}

const pipelines = Array.from({ length: partitions }, () => createDetectorPipeline());
const feed = (k: number, n: number, ts: number) => void pipelines[k % partitions]!.process(event(k, n, ts));

/** CPU seconds (user + system) of this process so far: unlike wall time, not inflated by a busy machine. */
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** One checkpoint round over every partition: encode (full or delta) and gzip (synchronously, so it is counted). */
function round(kind: 'full' | 'delta') {
  let raw = 0;
  let gzipped = 0;
  const started = { cpu: cpuSeconds(), wall: performance.now() };
  for (const p of pipelines) {
    // In pages of the default size, each gzipped on its own, as the stream service saves them.
    for (const page of kind === 'full' ? p.snapshotPages() : p.deltaPages()!) {
      raw += page.length;
      gzipped += gzipSync(page).length;
    }
  }
  return { seconds: cpuSeconds() - started.cpu, wallSeconds: (performance.now() - started.wall) / 1000, raw, gzipped };
}

// Every key arrives once over five hours of event time; one event four hours later compacts them all (idle keys).
for (let k = 0; k < keys; k++) feed(k, 0, START + Math.floor((k * ARRIVALS_MS) / keys));
let now = START + ARRIVALS_MS + 4 * HOUR;
for (let p = 0; p < partitions; p++) feed(keys + p, 0, now);
const full = round('full');
/** `share` of the keys (spread over the key space) send one event each; then a delta round. */
function changed(share: number, n: number) {
  const every = Math.round(1 / share);
  now += 60_000;
  for (let k = 0; k < keys; k += every) feed(k, n, now);
  return round('delta');
}
const delta1 = changed(0.01, 1);
const delta10 = changed(0.1, 2);
const stats = pipelines.map((p) => p.stats());
const sum = (f: (s: (typeof stats)[number]) => number) => stats.reduce((n, s) => n + f(s), 0);
emitResult({
  keys,
  partitions,
  full,
  delta1,
  delta10,
  activeKeys: sum((s) => s.keys),
  compactedKeys: sum((s) => s.compactedKeys),
});
