import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { MIGRATIONS_DIR, migrate } from '../../../services/common/clickhouse/migrations.ts';
import { ident, type SqlQuery, sql } from '../../../services/common/clickhouse/sql.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import {
  type CheckpointStore,
  createClickHouseCheckpointStore,
} from '../../../services/stream-service/checkpoint-store.ts';
import { StatefulSink } from '../../../services/stream-service/stateful-sink.ts';
import { stateOf, v1Document } from '../../fixtures/detector/checkpoint-v1.ts';
import { evenly, HOUR, T0 } from '../../fixtures/detector/events.ts';
import { testConfig } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';

let ch: ClickHouse;
let legacyState: Buffer;
let v1Snapshot: Buffer;

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

/** Applies the migrations whose file names sort up to `last`. */
async function migrateUpTo(last: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dg-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((name) => name <= last))
    cpSync(join(MIGRATIONS_DIR, f), join(dir, f));
  await migrate(ch, silentLogger, dir);
  rmSync(dir, { recursive: true });
}

/**
 * A database migrated up to 0006, holding one checkpoint in the old doubly encoded format, then up to 0009 with one
 * detector checkpoint in one row (`v1Snapshot`), then fully migrated.
 */
before(async () => {
  ch = createClickHouse(testConfig().clickhouse);
  await migrateUpTo('0006_z');
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
  // A detector checkpoint as saved between migrations 0009 and 0010: the whole snapshot, gzipped, in its row.
  await migrateUpTo('0009_z');
  const pipeline = createDetectorPipeline();
  for (const event of evenly(50, T0, HOUR, (i) => ({ api_key_id: `k-${i % 5}` }))) pipeline.process(event);
  v1Snapshot = v1Document(pipeline.snapshotPages());
  await ch.insert('detector_checkpoints', [
    {
      consumer_group: 'g-v1',
      topic: 'events',
      partition: 5,
      slot: 1,
      version: 1,
      next_offset: '50',
      positions: JSON.stringify({ 'events:5': '50' }),
      state: gzipSync(v1Snapshot).toString('base64'),
      state_bytes: v1Snapshot.length,
      saved_at: Math.floor(Date.now() / 1000),
      delta: 0,
      parent: 0,
    },
  ]);
  await migrate(ch, silentLogger);
});
after(async () => {
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
  await ch.close();
});

const full = { kind: 'full', parent: 0 } as const;

/** A checkpoint's pages as the store reads them, one after another. */
async function pagesOf(store: CheckpointStore, group: string, topic: string, partition: number, version: number) {
  const pages: Buffer[] = [];
  for await (const page of store.read(group, topic, partition, version)) pages.push(page);
  return pages;
}

/** The newest checkpoint of a partition as listed, with its state (its pages, concatenated). */
async function newest(store: CheckpointStore, group: string, topic: string, partition: number) {
  const last = (await store.list(group, topic, partition)).at(-1);
  return last && { ...last, state: Buffer.concat(await pagesOf(store, group, topic, partition, last.version)) };
}

test('only the newest N checkpoints per partition are kept, however many are saved', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 0 });
  for (let i = 1; i <= 40; i += 1) {
    for (const partition of [0, 1]) {
      const positions = { [`events:${partition}`]: `${i * 10}` };
      const checkpoint = { ...full, nextOffset: `${i * 10}`, positions, pages: [Buffer.from(`s${i}`)] };
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
  await later.save('g', 'events', 0, { ...full, nextOffset: '410', positions: {}, pages: [Buffer.from('s41')] });
  assert.equal((await newest(later, 'g', 'events', 0))?.nextOffset, '410');
  assert.equal(await rows(sql`consumer_group = 'g' AND partition = 0`, true), 3);
});

test('with deltas, the newest chains stay whole: retain × (fullEvery + 1) checkpoints are kept', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 2, fullEvery: 2 });
  let parent = 0;
  for (let i = 1; i <= 10; i += 1) {
    const kind = i % 3 === 1 ? 'full' : 'delta';
    const checkpoint = { kind, parent: kind === 'full' ? 0 : parent, nextOffset: `${i}`, positions: {} } as const;
    parent = (await store.save('gd', 'events', 0, { ...checkpoint, pages: [Buffer.from(`s${i}`)] })).version;
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
  assert.equal(Buffer.concat(await pagesOf(store, 'gd', 'events', 0, 8)).toString(), 's8');
  await assert.rejects(
    pagesOf(store, 'gd', 'events', 0, 2),
    { code: 'DG_ERR_BAD_INPUT' },
    'a replaced version is gone',
  );
});

/** The stage 1 sink over a real detector pipeline, saving to `store` in pages of `pageBytes`. */
function detectorSink(store: CheckpointStore, group = 'g-real', pageBytes = 4096, fullEvery = 30) {
  const pipelines: Array<ReturnType<typeof createDetectorPipeline>> = [];
  const sink = new StatefulSink({
    name: 'detector',
    group,
    scope: 'partition',
    createProcessor: () => {
      const p = createDetectorPipeline();
      pipelines.push(p);
      return {
        process: (event) => p.process(event),
        snapshot: () => p.snapshotPages(pageBytes),
        delta: () => p.deltaPages(pageBytes),
        load: (page) => p.loadPage(page),
      };
    },
    store,
    fullEvery,
    persistFeatures: async () => {},
    persistAlerts: async () => {},
    publishAlerts: async () => {},
    poisonAttempts: 3,
    logger: silentLogger,
  });
  return { sink, pipelines };
}

/** Writes `events` to partition `partition` from offset `from` on. */
const sourced = (events: UsageEvent[], partition: number, from = 0) =>
  events.map((event, i) => ({ event, source: { topic: 'events', partition, offset: `${from + i}` } }));

const pageRows = z.object({ page: z.coerce.number(), state: z.string() });

test('a checkpoint is saved in pages, each its own gzipped row, and a new sink restores the same state from them', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 30 });
  const first = detectorSink(store);
  const events = evenly(600, T0, 3 * HOUR, (i) => ({ api_key_id: `k-${i % 40}` }));
  await first.sink.write(sourced(events, 3));
  await first.sink.checkpoint([{ topic: 'events', partition: 3, offset: '600' }]);
  const db = ident(ch.database);
  const [row] = await ch.query(
    sql`SELECT state, positions, pages, state_bytes FROM ${db}.detector_checkpoints WHERE consumer_group = 'g-real'`,
    z.object({ state: z.string(), positions: z.string(), pages: z.coerce.number(), state_bytes: z.coerce.number() }),
  );
  assert.equal(row!.state, '', 'the state is in its pages, not in the checkpoint row');
  assert.deepEqual(JSON.parse(row!.positions), { 'events:3': '600' });
  const pages = await ch.query(
    sql`SELECT page, state FROM ${db}.detector_checkpoint_pages WHERE consumer_group = 'g-real' ORDER BY page`,
    pageRows,
  );
  assert.ok(row!.pages >= 5, `several pages of 4 KiB (${row!.pages})`);
  assert.deepEqual(
    pages.map((p) => p.page),
    Array.from({ length: row!.pages }, (_, i) => i),
  );
  const unpacked = pages.map((p) => gunzipSync(Buffer.from(p.state, 'base64')));
  assert.equal(
    unpacked.reduce((n, p) => n + p.length, 0),
    row!.state_bytes,
  );
  const keys = unpacked.flatMap((p) => {
    const page = JSON.parse(p.toString()) as { v: number; part: string; written?: Array<{ apiKeyId: string }> };
    assert.equal(page.v, 2);
    return page.part === 'active' ? page.written!.map((k) => k.apiKeyId) : [];
  });
  assert.equal(new Set(keys).size, 40, 'every key once, across pages');

  const second = detectorSink(store);
  await second.sink.onAssignment({ events: [3] });
  const [original] = first.pipelines;
  const [restored] = second.pipelines;
  assert.deepEqual(restored!.stats(), original!.stats());
  assert.equal(stateOf(restored!), stateOf(original!));

  // Two of the keys send more: the next checkpoint is a delta holding just them, and full + delta restores.
  const more = evenly(100, T0 + 3 * HOUR, HOUR, (i) => ({ api_key_id: `k-${i % 2}` }));
  await second.sink.write(sourced(more, 3, 600));
  await second.sink.checkpoint([{ topic: 'events', partition: 3, offset: '700' }]);
  const [saved, delta] = await store.list('g-real', 'events', 3);
  assert.deepEqual([delta!.kind, delta!.parent, delta!.positions], ['delta', saved!.version, { 'events:3': '700' }]);
  const written = (await pagesOf(store, 'g-real', 'events', 3, delta!.version)).flatMap((p) => {
    const page = JSON.parse(p.toString()) as { part: string; written?: Array<{ apiKeyId: string }> };
    return page.part === 'active' ? page.written!.map((k) => k.apiKeyId) : [];
  });
  assert.deepEqual(written.sort(), ['k-0', 'k-1']);
  const third = detectorSink(store);
  assert.deepEqual(await third.sink.onAssignment({ events: [3] }), [{ topic: 'events', partition: 3, offset: '700' }]);
  assert.equal(stateOf(third.pipelines[0]!), stateOf(second.pipelines[0]!));
});

test('a checkpoint with a page gone is refused: the restore falls back to the previous one and reads on from there', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 0 });
  const first = detectorSink(store, 'g-torn', 4096, 0);
  const events = evenly(600, T0, 3 * HOUR, (i) => ({ api_key_id: `k-${i % 40}` }));
  await first.sink.write(sourced(events.slice(0, 300), 4));
  await first.sink.checkpoint([{ topic: 'events', partition: 4, offset: '300' }]);
  const atFirst = stateOf(first.pipelines[0]!);
  await first.sink.write(sourced(events.slice(300), 4, 300));
  await first.sink.checkpoint([{ topic: 'events', partition: 4, offset: '600' }]);
  const [older, newer] = await store.list('g-torn', 'events', 4);
  assert.deepEqual([older!.kind, newer!.kind], ['full', 'full']);

  const db = ident(ch.database);
  const torn = sql`consumer_group = 'g-torn' AND version = ${newer!.version} AND page = 2`;
  await ch.command(sql`ALTER TABLE ${db}.detector_checkpoint_pages DELETE WHERE ${torn}`);
  await pollUntil(
    'the page deleted (a mutation)',
    async () =>
      (await ch.query(sql`SELECT count() AS n FROM ${db}.detector_checkpoint_pages WHERE ${torn}`, countRow))[0]!.n,
    (n) => n === 0,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await assert.rejects(pagesOf(store, 'g-torn', 'events', 4, newer!.version), /page 3 of \d+ of checkpoint version/);

  const second = detectorSink(store, 'g-torn', 4096, 0);
  assert.deepEqual(
    await second.sink.onAssignment({ events: [4] }),
    [{ topic: 'events', partition: 4, offset: '300' }],
    'read again from the older checkpoint',
  );
  assert.equal(stateOf(second.pipelines.at(-1)!), atFirst);
});

/** Page rows of consumer group `group` matching `where`, merged or not. */
async function pageRowCount(group: string, where: SqlQuery) {
  const db = ident(ch.database);
  const q = sql`SELECT count() AS n FROM ${db}.detector_checkpoint_pages WHERE consumer_group = ${group} AND ${where}`;
  return (await ch.query(q, countRow))[0]!.n;
}

/** Waits until no mutation of the page table runs (a store queues no deletion while one does). */
const mutationsDone = () =>
  pollUntil(
    'no mutation of detector_checkpoint_pages running',
    async () =>
      (
        await ch.query(
          sql`SELECT count() AS n FROM system.mutations
              WHERE database = ${ch.database} AND table = 'detector_checkpoint_pages' AND is_done = 0`,
          countRow,
        )
      )[0]!.n,
    (n) => n === 0,
    { timeoutMs: 60_000, intervalMs: 200 },
  );

const gone = (group: string, where: SqlQuery) =>
  pollUntil(
    'the superseded pages deleted (a mutation)',
    () => pageRowCount(group, where),
    (n) => n === 0,
    { timeoutMs: 60_000, intervalMs: 200 },
  );

test('pages of a superseded checkpoint go after the new checkpoint row; a crash between the two leaves it restorable', async () => {
  const options = { retain: 1, fullEvery: 1 }; // two slots: versions 1 and 3 share slot 1, 2 and 4 slot 0
  const pages = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`${prefix}${i}`));
  const save = (store: CheckpointStore, kind: 'full' | 'delta', parent: number, n: number, prefix: string) =>
    store.save('g-stale', 'events', 0, { kind, parent, nextOffset: '1', positions: {}, pages: pages(prefix, n) });
  await mutationsDone();
  const store = createClickHouseCheckpointStore(ch, options);
  assert.deepEqual((await save(store, 'full', 0, 6, 'a')).stale, { rows: 0 });
  assert.deepEqual((await save(store, 'delta', 1, 1, 'b')).stale, { rows: 0 });

  // Version 3 replaces version 1 (6 pages) in slot 1 with 2 pages; the process dies after its row, before the
  // deletion (here: the deletion fails). Version 1's pages 3-6 are referenced by no row, and merges keep them.
  const failing: ClickHouse = { ...ch, command: async () => Promise.reject(new Error('connection lost')) };
  const v3 = await save(createClickHouseCheckpointStore(failing, options), 'full', 0, 2, 'c');
  assert.equal(v3.version, 3);
  assert.match(String(v3.stale?.error?.message), /connection lost/, 'reported, not thrown: the checkpoint is saved');
  assert.equal(await pageRowCount('g-stale', sql`version = 1 AND page >= 2`), 4);
  const restarted = createClickHouseCheckpointStore(ch, options);
  assert.deepEqual(await pagesOf(restarted, 'g-stale', 'events', 0, 3), pages('c', 2), 'version 3 restores');

  // The next save, in the other slot, finds them and deletes them; every listed checkpoint still reads whole.
  await restarted.list('g-stale', 'events', 0);
  const v4 = await save(restarted, 'delta', 3, 1, 'd');
  assert.deepEqual([v4.version, v4.stale], [4, { rows: 4 }]);
  await gone('g-stale', sql`version = 1 AND page >= 2`);
  assert.deepEqual(await pagesOf(restarted, 'g-stale', 'events', 0, 3), pages('c', 2));
  assert.deepEqual(await pagesOf(restarted, 'g-stale', 'events', 0, 4), pages('d', 1));
  await mutationsDone();
  const v5 = await save(restarted, 'full', 0, 3, 'e');
  assert.deepEqual(v5.stale, { rows: 0 }, 'nothing more to delete: version 3 had fewer pages than version 5');
});

test('a detector checkpoint that shrank takes the pages of the one it replaces with it; the state restores', async () => {
  const group = 'g-shrink';
  const store = createClickHouseCheckpointStore(ch, { retain: 1, fullEvery: 0 }); // one slot: each save replaces
  const first = detectorSink(store, group, 4096, 0);
  await first.sink.write(
    sourced(
      evenly(600, T0, 3 * HOUR, (i) => ({ api_key_id: `k-${i % 40}` })),
      6,
    ),
  );
  await first.sink.checkpoint([{ topic: 'events', partition: 6, offset: '600' }]);
  const big = (await store.list(group, 'events', 6)).at(-1)!;
  const bigPages = await pageRowCount(group, sql`version = ${big.version}`);
  // One event three hours later: the other 39 keys are compacted to their baselines, so the state shrinks.
  await first.sink.write(sourced([evenly(1, T0 + 6 * HOUR, HOUR, () => ({ api_key_id: 'k-0' }))[0]!], 6, 600));
  await mutationsDone();
  await first.sink.checkpoint([{ topic: 'events', partition: 6, offset: '601' }]);
  const db = ident(ch.database);
  const header = z.object({ version: z.coerce.number(), pages: z.coerce.number() });
  const [small] = await ch.query(
    sql`SELECT version, pages FROM ${db}.detector_checkpoints WHERE consumer_group = ${group}
        ORDER BY version DESC LIMIT 1`,
    header,
  );
  assert.ok(small!.pages < bigPages, `the state shrank: ${bigPages} pages, then ${small!.pages}`);
  await gone(group, sql`version = ${big.version} AND page >= ${small!.pages}`);

  const second = detectorSink(store, group, 4096, 0);
  assert.deepEqual(await second.sink.onAssignment({ events: [6] }), [{ topic: 'events', partition: 6, offset: '601' }]);
  assert.equal(stateOf(second.pipelines[0]!), stateOf(first.pipelines[0]!));
});

test('a checkpoint written in one row before pages (migration 0010) is still restored', async () => {
  const store = createClickHouseCheckpointStore(ch, { retain: 3, fullEvery: 30 });
  const sink = detectorSink(store, 'g-v1');
  assert.deepEqual(await sink.sink.onAssignment({ events: [5] }), [{ topic: 'events', partition: 5, offset: '50' }]);
  assert.equal(stateOf(sink.pipelines[0]!), v1Snapshot.toString());
  await sink.sink.write(
    sourced(
      evenly(10, T0 + HOUR, HOUR, () => ({ api_key_id: 'k-v1' })),
      5,
      50,
    ),
  );
  await sink.sink.checkpoint([{ topic: 'events', partition: 5, offset: '60' }]);
  const [, next] = await store.list('g-v1', 'events', 5);
  assert.deepEqual([next!.kind, next!.parent], ['delta', 1], 'the paged delta goes over the one-row checkpoint');
  const again = detectorSink(store, 'g-v1');
  assert.deepEqual(await again.sink.onAssignment({ events: [5] }), [{ topic: 'events', partition: 5, offset: '60' }]);
  assert.equal(stateOf(again.pipelines[0]!), stateOf(sink.pipelines[0]!));
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
