// Feeds the detector pipeline events from `--keys` distinct keys (10% stay active, the rest go idle) and reports
// its memory: once with the mix of active and idle keys, once after every key has gone idle and been compacted.
import { parseArgs } from 'node:util';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { createDetectorPipeline as CreatePipeline } from '../../services/detector/pipeline.ts';
import { emitResult } from '../lib/child.ts';
import { syntheticEvent } from '../lib/synthetic-events.ts';

const { values } = parseArgs({ options: { keys: { type: 'string' }, module: { type: 'string' } } });
const keys = Number(values.keys);
const { createDetectorPipeline } = (await import(values.module!)) as { createDetectorPipeline: typeof CreatePipeline };

const HOUR = 3_600_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const ARRIVALS_MS = 5 * HOUR;
const ACTIVE_SHARE = 10;
const ACTIVE_EVENTS = 3;
/**
 * As in the stream service, change tracking is on (from a first full checkpoint) and a delta checkpoint is taken
 * every this many events (the stream takes one every DG_CHECKPOINT_INTERVAL_MS, 10 s: ~63k events at its measured
 * 6.3k events/s catch-up rate), so the memory measured includes the changes pending since the last delta. The
 * checkpoints are taken in pages of the stream's default size, as the stream takes them, each page dropped once counted.
 */
const DELTA_EVERY = 50_000;

const gc = globalThis.gc ?? (() => {});
function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  // `external` already includes `arrayBuffers` (typed arrays' backing stores): adding both counted those twice.
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Key `k`'s event at event time `ts`: a ~200-char prompt, its own org among many. */
function event(k: number, n: number, ts: number): UsageEvent {
  const e = syntheticEvent(k * 4 + n, { keys: 1, promptChars: 200, rate: 1, idPrefix: `m${n}` });
  return { ...e, ts, api_key_id: `key-${k}`, org_id: `org-${k % 50_000}`, key_created_at: undefined } as UsageEvent;
}

/** Takes a checkpoint's pages one at a time, as the store writes them, and counts their bytes. */
function bytesOf(pages: Iterable<Buffer> | null): number {
  let bytes = 0;
  for (const page of pages ?? []) bytes += page.byteLength;
  return bytes;
}

const pipeline = createDetectorPipeline();
let sinceDelta = 0;
let deltaBytes = 0;
let deltas = 0;
const feed = (e: UsageEvent) => {
  pipeline.process(e);
  if (++sinceDelta < DELTA_EVERY) return;
  deltaBytes += bytesOf(pipeline.deltaPages());
  deltas++;
  sinceDelta = 0;
};
// Warm the code paths and the population with other keys, then let them go idle so they are compacted first.
for (let k = 0; k < 1000; k++) feed(event(keys + k, 0, START - 4 * HOUR));
feed(event(keys + 1000, 0, START - HOUR));
bytesOf(pipeline.snapshotPages());
sinceDelta = 0;
const before = memory();
const started = performance.now();
// Every key arrives once over five hours of event time; then the active tenth keeps sending for another hour.
for (let k = 0; k < keys; k++) feed(event(k, 0, START + Math.floor((k * ARRIVALS_MS) / keys)));
const activeKeys = Math.ceil(keys / ACTIVE_SHARE);
for (let n = 1; n <= ACTIVE_EVENTS; n++)
  for (let a = 0; a < activeKeys; a++)
    feed(
      event(a * ACTIVE_SHARE, n, START + ARRIVALS_MS + Math.floor(((n - 1 + a / activeKeys) * HOUR) / ACTIVE_EVENTS)),
    );
const seconds = (performance.now() - started) / 1000;
const mixed = { ...memory(), stats: pipeline.stats() };
// One event three hours later makes every other key idle past the compaction limit.
feed(event(keys + 2000, 0, START + ARRIVALS_MS + 4 * HOUR));
const compacted = { ...memory(), stats: pipeline.stats() };
emitResult({ keys, events: keys + activeKeys * ACTIVE_EVENTS, seconds, before, mixed, compacted, deltas, deltaBytes });
