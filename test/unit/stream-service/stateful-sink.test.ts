import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { createLogger, silentLogger } from '../../../services/common/logger.ts';
import type { SourcedEvent } from '../../../services/consumer/sink.ts';
import type { CheckpointStore } from '../../../services/stream-service/checkpoint-store.ts';
import { StatefulSink } from '../../../services/stream-service/stateful-sink.ts';
import { countingProcessor } from '../../helpers/counting-processor.ts';
import { memoryCheckpointStore } from '../../helpers/memory-checkpoint-store.ts';

const ev = (partition: number, offset: number): SourcedEvent => ({
  event: { event_id: `e${partition}-${offset}` } as UsageEvent,
  source: { topic: 't', partition, offset: String(offset) },
});

function sink(
  store: CheckpointStore,
  published: Alert[],
  failFirstPersist = false,
  scope: 'partition' | 'all' = 'partition',
  poison: ReadonlySet<string> = new Set(),
  fullEvery = 0,
  logger = silentLogger,
) {
  const pipelines: Array<ReturnType<typeof countingProcessor>> = [];
  let failures = failFirstPersist ? 1 : 0;
  const s = new StatefulSink({
    name: 'detector',
    group: 'g',
    scope,
    createProcessor: () => {
      const p = countingProcessor(poison);
      pipelines.push(p);
      return p;
    },
    store,
    fullEvery,
    persistFeatures: async () => {},
    persistAlerts: async () => {
      if (failures-- > 0) throw new Error('clickhouse down');
    },
    publishAlerts: async (alerts) => void published.push(...alerts),
    poisonAttempts: 3,
    logger,
  });
  return { s, pipelines };
}

test('a retried write re-persists the outputs without running the detector again', async () => {
  const published: Alert[] = [];
  const { s, pipelines } = sink(memoryCheckpointStore(), published, true);
  const batch = [ev(0, 0), ev(0, 1), ev(0, 2)];
  await assert.rejects(s.write(batch), /clickhouse down/);
  await s.write(batch);
  assert.equal(pipelines[0]!.count, 3);
  assert.deepEqual(
    published.map((a) => a.alert_id),
    ['a-e0-2'],
  );
});

test('redelivered offsets are skipped; each partition has its own pipeline', async () => {
  const { s, pipelines } = sink(memoryCheckpointStore(), []);
  await s.write([ev(0, 0), ev(0, 1), ev(1, 0)]);
  await s.write([ev(0, 1), ev(0, 2), ev(1, 0), ev(1, 1)]);
  assert.deepEqual(
    pipelines.map((p) => p.count),
    [3, 2],
  );
});

test('checkpoint then restore on assignment: state resumes and events before the checkpoint are not recounted', async () => {
  const store = memoryCheckpointStore();
  const first = sink(store, []);
  await first.s.write([ev(0, 0), ev(0, 1), ev(0, 2), ev(0, 3)]);
  await first.s.checkpoint([{ topic: 't', partition: 0, offset: '4' }]);
  assert.equal(store.newest('g', 't', 0)!.nextOffset, '4');

  const second = sink(store, []);
  await second.s.onAssignment({ t: [0] });
  await second.s.write([ev(0, 2), ev(0, 3), ev(0, 4)]);
  assert.equal(second.pipelines[0]!.count, 5, '4 restored + 1 new');
});

test('revoked partitions drop their state; a later assignment restores it from the store', async () => {
  const store = memoryCheckpointStore();
  const { s, pipelines } = sink(store, []);
  await s.onAssignment({ t: [0, 1] });
  await s.write([ev(1, 0)]);
  await s.checkpoint([{ topic: 't', partition: 1, offset: '1' }]);
  await s.onAssignment({ t: [0] });
  await s.onAssignment({ t: [0, 1] });
  await s.write([ev(1, 0), ev(1, 1)]);
  assert.equal(pipelines.at(-1)!.count, 2);
});

test('all-scoped state (stage 2): one processor for every partition, saved once with every partition position', async () => {
  const store = memoryCheckpointStore();
  const first = sink(store, [], false, 'all');
  await first.s.write([ev(0, 0), ev(1, 0), ev(1, 1)]);
  await first.s.checkpoint([
    { topic: 't', partition: 0, offset: '1' },
    { topic: 't', partition: 1, offset: '2' },
  ]);
  assert.equal(first.pipelines.length, 1);
  assert.equal(store.rows.size, 1);
  const second = sink(store, [], false, 'all');
  await second.s.onAssignment({ t: [0, 1] });
  await second.s.write([ev(0, 0), ev(1, 1), ev(0, 1), ev(1, 2)]);
  assert.equal(second.pipelines.at(-1)!.count, 5, '3 restored + 2 new, redeliveries of both partitions skipped');
});

test('an event the processor throws on is retried a bounded number of times, then dead-lettered alone', async () => {
  const published: Alert[] = [];
  const { s, pipelines } = sink(memoryCheckpointStore(), published, false, 'partition', new Set(['e0-3']));
  const batch = [0, 1, 2, 3, 4, 5, 6].map((offset) => ({
    ...ev(0, offset),
    raw: { key: Buffer.from('k'), value: Buffer.from(`{"original":${offset}}`) },
  }));
  await assert.rejects(s.write(batch), /e0-3.*attempt 1 of 3: cannot score e0-3/);
  await assert.rejects(s.write(batch), /attempt 2 of 3/);
  const { rejected } = await s.write(batch);
  assert.deepEqual(
    rejected.map((r) => [r.source.offset, r.reason, r.value?.toString()]),
    [['3', 'detector_error: cannot score e0-3', '{"original":3}']],
  );
  assert.equal(pipelines[0]!.count, 6, 'every other event folded exactly once');
  assert.deepEqual(
    published.map((a) => a.alert_id),
    ['a-e0-2', 'a-e0-6'],
    'outputs of the events before the poison one survive the retries',
  );
  await s.write([ev(0, 3), ev(0, 7)]);
  assert.equal(pipelines[0]!.count, 7, 'a redelivered poison event is not retried once dead-lettered');
});

/** A logger keeping every line it writes, parsed. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; problems?: string[] }> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A saved checkpoint's pages as text, trimmed, separated by spaces. */
const text = (row: { pages: Buffer[] | null }) => row.pages?.map((page) => page.toString().trim()).join(' ');

/** Folds `count` more events of partition 0 from `from` on, then checkpoints up to there. */
async function foldAndCheckpoint(s: StatefulSink, from: number, count: number): Promise<number> {
  await s.write(Array.from({ length: count }, (_, i) => ev(0, from + i)));
  await s.checkpoint([{ topic: 't', partition: 0, offset: String(from + count) }]);
  return from + count;
}

test('incremental checkpoints: a full one, then deltas over it, a full one again every fullEvery deltas', async () => {
  const store = memoryCheckpointStore();
  const { s } = sink(store, [], false, 'partition', new Set(), 3);
  let offset = 0;
  for (let i = 0; i < 9; i++) offset = await foldAndCheckpoint(s, offset, 2);
  const rows = store.rows.get('g/t/0')!;
  assert.deepEqual(
    rows.map((r) => [r.version, r.kind, r.parent, text(r)]),
    [
      [1, 'full', 0, '2 end'],
      [2, 'delta', 1, '+2'],
      [3, 'delta', 2, '+2'],
      [4, 'delta', 3, '+2'],
      [5, 'full', 0, '10 end'],
      [6, 'delta', 5, '+2'],
      [7, 'delta', 6, '+2'],
      [8, 'delta', 7, '+2'],
      [9, 'full', 0, '18 end'],
    ],
  );
  const second = sink(store, [], false, 'partition', new Set(), 3);
  assert.deepEqual(
    await second.s.onAssignment({ t: [0] }),
    [{ topic: 't', partition: 0, offset: '18' }],
    'the consumer resumes where the restored state ends',
  );
  assert.equal(second.pipelines[0]!.count, 18);
  await foldAndCheckpoint(second.s, 18, 1);
  assert.deepEqual(
    [store.newest('g', 't', 0)!.kind, store.newest('g', 't', 0)!.parent],
    ['delta', 9],
    'a restored sink continues the chain it restored',
  );
});

test('a chain is restored full + deltas in order; a missing delta ends it there, logged, and the partition is read again from its position', async () => {
  const store = memoryCheckpointStore();
  const { s } = sink(store, [], false, 'partition', new Set(), 10);
  let offset = 0;
  for (let i = 0; i < 5; i++) offset = await foldAndCheckpoint(s, offset, 3);
  const rows = store.rows.get('g/t/0')!;
  rows.splice(3, 1); // version 4 (a delta) lost
  const { logger, lines } = capturingLogger();
  const second = sink(store, [], false, 'partition', new Set(), 10, logger);
  const rewind = await second.s.onAssignment({ t: [0] });
  assert.equal(second.pipelines.at(-1)!.count, 9, 'full (3) + deltas 2 and 3 (+3 each)');
  assert.deepEqual(rewind, [{ topic: 't', partition: 0, offset: '9' }], 'read again from the last good link');
  const error = lines.find((l) => l.level === 50);
  assert.match(error!.msg, /checkpoint chain broken/);
  assert.match(error!.problems!.join(), /delta 5 follows version 4, not the chain's last link 3/);
  // Redelivered from the rewind position: nothing is lost, nothing counted twice.
  await second.s.write([ev(0, 8), ev(0, 9), ev(0, 10), ev(0, 11), ev(0, 12), ev(0, 13), ev(0, 14)]);
  assert.equal(second.pipelines.at(-1)!.count, 15);
  await second.s.checkpoint([{ topic: 't', partition: 0, offset: '15' }]);
  assert.equal(store.newest('g', 't', 0)!.kind, 'full', 'after a fallback the next checkpoint starts a new chain');
});

test('an unreadable or refused delta ends the chain at the link before it', async () => {
  for (const corrupt of [null, [Buffer.from('garbage')]]) {
    const store = memoryCheckpointStore();
    const { s } = sink(store, [], false, 'partition', new Set(), 10);
    let offset = 0;
    for (let i = 0; i < 4; i++) offset = await foldAndCheckpoint(s, offset, 2);
    store.rows.get('g/t/0')![2]!.pages = corrupt;
    const second = sink(store, [], false, 'partition', new Set(), 10);
    const rewind = await second.s.onAssignment({ t: [0] });
    assert.equal(second.pipelines.at(-1)!.count, 4, `full + first delta (${corrupt})`);
    assert.deepEqual(rewind, [{ topic: 't', partition: 0, offset: '4' }]);
  }
});

test('an unreadable full checkpoint falls back to the previous chain; none usable is an error, not an empty state', async () => {
  const store = memoryCheckpointStore();
  const { s } = sink(store, [], false, 'partition', new Set(), 2);
  let offset = 0;
  for (let i = 0; i < 5; i++) offset = await foldAndCheckpoint(s, offset, 1);
  // versions: 1 full, 2-3 deltas, 4 full, 5 delta
  store.rows.get('g/t/0')![3]!.pages = null;
  const second = sink(store, [], false, 'partition', new Set(), 2);
  const rewind = await second.s.onAssignment({ t: [0] });
  assert.equal(second.pipelines.at(-1)!.count, 3);
  assert.deepEqual(rewind, [{ topic: 't', partition: 0, offset: '3' }]);

  store.rows.get('g/t/0')![0]!.pages = null;
  const third = sink(store, [], false, 'partition', new Set(), 2);
  await assert.rejects(third.s.onAssignment({ t: [0] }), /no usable checkpoint for t:0.*version 4.*version 1/);
});

test('a failed save is followed by a full checkpoint, so a lost or half-written delta never breaks the chain', async () => {
  const store = memoryCheckpointStore();
  const save = store.save;
  let fail = false;
  store.save = async (...args) => {
    if (fail) throw new Error('clickhouse down');
    return save(...args);
  };
  const { s } = sink(store, [], false, 'partition', new Set(), 10);
  let offset = await foldAndCheckpoint(s, 0, 2);
  offset = await foldAndCheckpoint(s, offset, 2);
  fail = true;
  await assert.rejects(foldAndCheckpoint(s, offset, 2), /clickhouse down/);
  fail = false;
  await s.checkpoint([{ topic: 't', partition: 0, offset: '6' }]);
  assert.deepEqual(
    store.rows.get('g/t/0')!.map((r) => [r.kind, text(r)]),
    [
      ['full', '2 end'],
      ['delta', '+2'],
      ['full', '6 end'],
    ],
  );
});

test('a checkpoint with a page missing, or ending before its last page, is refused: the chain falls back, logged', async () => {
  const store = memoryCheckpointStore();
  const { s } = sink(store, [], false, 'partition', new Set(), 2);
  let offset = 0;
  for (let i = 0; i < 5; i++) offset = await foldAndCheckpoint(s, offset, 1);
  // versions: 1 full, 2-3 deltas, 4 full (two pages), 5 delta
  const rows = store.rows.get('g/t/0')!;
  rows[3]!.pages!.pop();
  const { logger, lines } = capturingLogger();
  const second = sink(store, [], false, 'partition', new Set(), 2, logger);
  assert.deepEqual(await second.s.onAssignment({ t: [0] }), [{ topic: 't', partition: 0, offset: '3' }]);
  assert.equal(second.pipelines.at(-1)!.count, 3, 'the previous chain: full 1 + deltas 2 and 3');
  assert.match(lines.find((l) => l.level === 50)!.problems!.join(), /page 2 of 2 of checkpoint version 4 is gone/);

  // A store whose row counts one page where the processor needs two: the processor never completes, refused alike.
  rows[3]!.count = 1;
  const third = sink(store, [], false, 'partition', new Set(), 2, capturingLogger().logger);
  assert.deepEqual(await third.s.onAssignment({ t: [0] }), [{ topic: 't', partition: 0, offset: '3' }]);
  assert.equal(third.pipelines.at(-1)!.count, 3);

  // A delta missing its page ends the chain at the link before it.
  rows[3]!.pages!.push(Buffer.from('end'));
  rows[3]!.count = 2;
  rows[4]!.pages = [];
  const fourth = sink(store, [], false, 'partition', new Set(), 2);
  assert.deepEqual(await fourth.s.onAssignment({ t: [0] }), [{ topic: 't', partition: 0, offset: '4' }]);
  assert.equal(fourth.pipelines.at(-1)!.count, 4);
});
