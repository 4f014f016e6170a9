import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { MIGRATIONS_DIR, migrate } from '../../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import {
  type CheckpointStore,
  createClickHouseCheckpointStore,
} from '../../../services/stream-service/checkpoint-store.ts';
import { StatefulSink } from '../../../services/stream-service/stateful-sink.ts';
import { evenly, HOUR, T0 } from '../../fixtures/detector/events.ts';
import { testConfig } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';

let ch: ClickHouse;
let legacyState: Buffer;

const countRow = z.object({ n: z.coerce.number() });
const rows = async (where = sql`1`, final = false) =>
  (
    await ch.query(
      final
        ? sql`SELECT count() AS n FROM ${ident(ch.database)}.detector_checkpoints FINAL WHERE ${where}`
        : sql`SELECT count() AS n FROM ${ident(ch.database)}.detector_checkpoints WHERE ${where}`,
      countRow,
    )
  )[0]!.n;

/** A database migrated up to 0006, holding one checkpoint in the old doubly encoded format, then fully migrated. */
before(async () => {
  ch = createClickHouse(testConfig().clickhouse);
  const upTo6 = mkdtempSync(join(tmpdir(), 'dg-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((name) => name <= '0006_z'))
    cpSync(join(MIGRATIONS_DIR, f), join(upTo6, f));
  await migrate(ch, silentLogger, upTo6);
  rmSync(upTo6, { recursive: true });
  legacyState = Buffer.from('{"legacy":true}');
  const saved = { next: { 'events:7': '41' }, state: legacyState.toString('base64') };
  await ch.insert('detector_checkpoints', [
    {
      consumer_group: 'g-legacy',
      topic: 'events',
      partition: 7,
      next_offset: '41',
      state: gzipSync(Buffer.from(JSON.stringify(saved))).toString('base64'),
      state_bytes: 10,
      saved_at: Math.floor(Date.now() / 1000),
      version: 1_700_000_000_000,
    },
  ]);
  await migrate(ch, silentLogger);
});
after(async () => {
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
  await ch.close();
});

const full = { kind: 'full', parent: 0 } as const;

/** The newest checkpoint of a partition as listed, with its state. */
async function newest(store: CheckpointStore, group: string, topic: string, partition: number) {
  const last = (await store.list(group, topic, partition)).at(-1);
  return last && { ...last, state: await store.read(group, topic, partition, last.version) };
}

test('only the newest N checkpoints per partition are kept, however many are saved', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 0 });
  for (let i = 1; i <= 40; i += 1) {
    for (const partition of [0, 1]) {
      const positions = { [`events:${partition}`]: `${i * 10}` };
      const checkpoint = { ...full, nextOffset: `${i * 10}`, positions, state: Buffer.from(`s${i}`) };
      await store.save('g', 'events', partition, checkpoint);
    }
  }
  assert.deepEqual(await newest(store, 'g', 'events', 0), {
    ...full,
    version: 40,
    bytes: 3,
    nextOffset: '400',
    positions: { 'events:0': '400' },
    state: Buffer.from('s40'),
  });
  assert.equal(await rows(sql`consumer_group = 'g'`, true), 6);
  // OPTIMIZE is a silent no-op while a background merge runs, so it is repeated until the merge it forces happened.
  const merged = await pollUntil(
    'a merge of the checkpoint table',
    async () => {
      await ch.command(sql`OPTIMIZE TABLE ${ident(ch.database)}.detector_checkpoints FINAL`);
      return rows(sql`consumer_group = 'g'`);
    },
    (n) => n <= 6,
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  assert.equal(merged, 6, 'rows left after a merge');
  const kept = await ch.query(
    sql`SELECT next_offset FROM ${ident(ch.database)}.detector_checkpoints
        WHERE consumer_group = 'g' AND partition = 1 ORDER BY next_offset`,
    z.object({ next_offset: z.coerce.number() }),
  );
  assert.deepEqual(
    kept.map((r) => r.next_offset),
    [380, 390, 400],
  );
  // A store that starts later (restart, rebalance) continues the sequence instead of overwriting the newest.
  const later = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 0 });
  await later.save('g', 'events', 0, { ...full, nextOffset: '410', positions: {}, state: Buffer.from('s41') });
  assert.equal((await newest(later, 'g', 'events', 0))?.nextOffset, '410');
  assert.equal(await rows(sql`consumer_group = 'g' AND partition = 0`, true), 3);
});

test('with deltas, the newest chains stay whole: retain × (fullEvery + 1) checkpoints are kept', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 2, fullEvery: 2 });
  let parent = 0;
  for (let i = 1; i <= 10; i += 1) {
    const kind = i % 3 === 1 ? 'full' : 'delta';
    const checkpoint = { kind, parent: kind === 'full' ? 0 : parent, nextOffset: `${i}`, positions: {} } as const;
    parent = await store.save('gd', 'events', 0, { ...checkpoint, state: Buffer.from(`s${i}`) });
  }
  const listed = async () =>
    (await store.list('gd', 'events', 0)).filter((c) => c.version > 4).map((c) => [c.version, c.kind, c.parent]);
  const expected = [
    [5, 'delta', 4],
    [6, 'delta', 5],
    [7, 'full', 0],
    [8, 'delta', 7],
    [9, 'delta', 8],
    [10, 'full', 0],
  ];
  assert.deepEqual(await listed(), expected);
  assert.equal(await rows(sql`consumer_group = 'gd'`, true), 6, 'versions 5-10 (the previous chain 7-9 whole)');
  assert.equal((await store.read('gd', 'events', 0, 8)).toString(), 's8');
  await assert.rejects(store.read('gd', 'events', 0, 2), { code: 'DG_ERR_BAD_INPUT' }, 'a replaced version is gone');
});

/** The stage 1 sink over a real detector pipeline, saving to `store`. */
function detectorSink(store: CheckpointStore) {
  const pipelines: Array<ReturnType<typeof createDetectorPipeline>> = [];
  const sink = new StatefulSink({
    name: 'detector',
    group: 'g-real',
    scope: 'partition',
    createProcessor: (state) => {
      const p = createDetectorPipeline({ state });
      pipelines.push(p);
      return { ...p, delta: () => p.snapshotDelta() };
    },
    store,
    fullEvery: 30,
    persistFeatures: async () => {},
    persistAlerts: async () => {},
    publishAlerts: async () => {},
    poisonAttempts: 3,
    logger: silentLogger,
  });
  return { sink, pipelines };
}

test('a checkpoint is the detector state compressed once, and a new sink restores the same state from it', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 30 });
  const first = detectorSink(store);
  const events = evenly(600, T0, 3 * HOUR, (i) => ({ api_key_id: `k-${i % 7}` }));
  await first.sink.write(
    events.map((event, i) => ({ event, source: { topic: 'events', partition: 3, offset: `${i}` } })),
  );
  await first.sink.checkpoint([{ topic: 'events', partition: 3, offset: '600' }]);
  const [row] = await ch.query(
    sql`SELECT state, positions FROM ${ident(ch.database)}.detector_checkpoints WHERE consumer_group = 'g-real'`,
    z.object({ state: z.string(), positions: z.string() }),
  );
  const state = JSON.parse(gunzipSync(Buffer.from(row!.state, 'base64')).toString()) as { v: number; keys: unknown[] };
  assert.equal(state.v, 1, 'the column holds the gzipped snapshot itself, not a wrapper around another encoding');
  assert.equal(state.keys.length, 7);
  assert.deepEqual(JSON.parse(row!.positions), { 'events:3': '600' });

  const second = detectorSink(store);
  await second.sink.onAssignment({ events: [3] });
  const [original] = first.pipelines;
  const [restored] = second.pipelines;
  assert.deepEqual(restored!.stats(), original!.stats());
  assert.deepEqual(restored!.snapshotKey('k-3'), original!.snapshotKey('k-3'));

  // Two of the seven keys send more: the next checkpoint is a delta holding just them, and full + delta restores.
  const more = evenly(100, T0 + 3 * HOUR, HOUR, (i) => ({ api_key_id: `k-${i % 2}` }));
  await second.sink.write(
    more.map((event, i) => ({ event, source: { topic: 'events', partition: 3, offset: `${600 + i}` } })),
  );
  await second.sink.checkpoint([{ topic: 'events', partition: 3, offset: '700' }]);
  const [saved, delta] = await store.list('g-real', 'events', 3);
  assert.deepEqual([delta!.kind, delta!.parent, delta!.positions], ['delta', saved!.version, { 'events:3': '700' }]);
  const written = JSON.parse((await store.read('g-real', 'events', 3, delta!.version)).toString()) as {
    active: { written: Array<{ apiKeyId: string }> };
  };
  assert.deepEqual(written.active.written.map((k) => k.apiKeyId).sort(), ['k-0', 'k-1']);
  const third = detectorSink(store);
  assert.deepEqual(await third.sink.onAssignment({ events: [3] }), [{ topic: 'events', partition: 3, offset: '700' }]);
  assert.equal(third.pipelines[0]!.snapshot().toString(), second.pipelines[0]!.snapshot().toString());
});

test('a checkpoint saved in the old format before the migration is still restored', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 30 });
  const loaded = await newest(store, 'g-legacy', 'events', 7);
  assert.deepEqual(loaded, {
    ...full,
    version: 1_700_000_000_000,
    bytes: 10,
    nextOffset: '41',
    positions: { 'events:7': '41' },
    state: legacyState,
  });
});
