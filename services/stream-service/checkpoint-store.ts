import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, joinSql, sql } from '../common/clickhouse/sql.ts';
import { errors } from '../common/errors.ts';

/** zlib on the libuv thread pool: a large checkpoint does not block the event loop while it compresses. */
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** `full`: the processor's whole state; `delta`: what changed since the checkpoint numbered `parent`. */
export type CheckpointKind = 'full' | 'delta';

export interface Checkpoint {
  kind: CheckpointKind;
  /** The version of the checkpoint a delta applies over; 0 for a full checkpoint. */
  parent: number;
  /** The source offset committed after this checkpoint. */
  nextOffset: string;
  /** Per `topic:partition`, the first offset the state does not cover (every source the state folds). */
  positions: Record<string, string>;
  /**
   * The processor's serialised state (or delta) in pages, stored compressed one by one, in order. Taken one at a time
   * as they are written: no page, row or insert ever holds the whole state.
   */
  pages: Iterable<Buffer>;
}

/** A saved checkpoint as listed: everything but its state, which `read` fetches. */
export interface StoredCheckpoint extends Omit<Checkpoint, 'pages'> {
  version: number;
  /** Uncompressed size of the state (all its pages). */
  bytes: number;
}

/** What a save wrote. */
export interface SavedCheckpoint {
  version: number;
  /** Uncompressed bytes of all pages, and how many. */
  bytes: number;
  pages: number;
  /**
   * Page rows of superseded checkpoints the save found afterwards and queued for deletion (0: none, or a deletion
   * still running); `error` when finding or queueing them failed, which does not fail the save (its row is written;
   * the next save looks again).
   */
  stale?: { rows: number; error?: Error };
}

export interface CheckpointStore {
  /**
   * Saves a checkpoint, its pages first and its listed row last (a checkpoint whose save failed midway is not
   * listed). Its version is higher than every version the partition had. Then removes the partition's page rows no
   * checkpoint row references any more (`stale` in the result).
   */
  save(group: string, topic: string, partition: number, checkpoint: Checkpoint): Promise<SavedCheckpoint>;
  /** Every retained checkpoint of the partition, oldest first, without state. */
  list(group: string, topic: string, partition: number): Promise<StoredCheckpoint[]>;
  /**
   * The pages of one listed checkpoint, fetched one at a time as they are consumed. Throws DG_ERR_BAD_INPUT when the
   * checkpoint or a page is gone, cannot be decompressed, or the pages do not add up to what was saved (count, bytes,
   * sha256; checked before the last page is yielded): restore then falls back. Any other error is the store's
   * (unreachable, overloaded) and is retried.
   */
  read(group: string, topic: string, partition: number, version: number): AsyncIterable<Buffer>;
}

export interface CheckpointStoreOptions {
  /** Chains (a full checkpoint and its deltas) kept per consumer group and source partition (the newest ones). */
  retain: number;
  /** Most deltas written after a full checkpoint before the next full one (a chain holds at most this + 1 rows). */
  fullEvery: number;
}

const positionsSchema = z.record(z.string(), z.string());
const listedRow = z.object({
  version: z.coerce.number(),
  delta: z.coerce.number(),
  parent: z.coerce.number(),
  next_offset: z.coerce.string(),
  positions: z.string(),
  state_bytes: z.coerce.number(),
  /** Only for rows carried over by migration 0007 (empty `positions`): their positions are inside the state. */
  legacy_state: z.string(),
});
const headerRow = z.object({
  positions: z.string(),
  pages: z.coerce.number(),
  state_bytes: z.coerce.number(),
  state_sha256: z.string(),
  state: z.string(),
});
const pageRow = z.object({ state: z.string() });
const versionRow = z.object({ version: z.coerce.number() });
const countRow = z.object({ n: z.coerce.number() });
const slotHeaderRow = z.object({
  slot: z.coerce.number(),
  newest: z.coerce.number(),
  newest_pages: z.coerce.number(),
});
const slotPagesRow = z.object({ slot: z.coerce.number(), version: z.coerce.number(), last: z.coerce.number() });
/** Rows written before migration 0007: gzip of `{ next, state: base64 }`, carried over with empty `positions`. */
const legacySaved = z.object({ next: positionsSchema, state: z.string() });

async function legacyOf(state: string): Promise<z.output<typeof legacySaved>> {
  return legacySaved.parse(JSON.parse((await gunzipAsync(Buffer.from(state, 'base64'))).toString('utf8')));
}

/** Base64 of compressed pages per insert: a few inserts (parts) per checkpoint, each far below V8's string limit. */
const INSERT_BYTES = 32 * 1024 * 1024;

/**
 * Checkpoints in ClickHouse: each page of the state gzipped (off the event loop) and base64-encoded in its own row of
 * `detector_checkpoint_pages`, then the checkpoint's row in `detector_checkpoints` with the page count, bytes and
 * sha256 (migration 0010). Versions count up per partition; a save writes slot `version % (retain × (fullEvery + 1))`
 * of both ReplacingMergeTrees (migrations 0007, 0009), so the newest `retain` chains stay whole whatever their length.
 * After its row, a save deletes the pages of superseded checkpoints that merges would keep (`removeStalePages`).
 */
export function createClickHouseCheckpointStore(ch: ClickHouse, options: CheckpointStoreOptions): CheckpointStore {
  const db = ident(ch.database);
  const slots = options.retain * (options.fullEvery + 1);
  const newestVersion = new Map<string, number>();
  const partitionKey = (group: string, topic: string, partition: number) => JSON.stringify([group, topic, partition]);
  const where = (group: string, topic: string, partition: number) =>
    sql`consumer_group = ${group} AND topic = ${topic} AND partition = ${partition}`;

  /**
   * The partition's newest version, pages included: pages of a save that failed before its row was written keep
   * their version from being reused (a reader would otherwise meet two pages of one version).
   */
  async function newestWritten(group: string, topic: string, partition: number): Promise<number> {
    const w = where(group, topic, partition);
    const [row] = await ch.query(
      sql`SELECT max(version) AS version FROM (
            SELECT version FROM ${db}.detector_checkpoints WHERE ${w}
            UNION ALL SELECT version FROM ${db}.detector_checkpoint_pages WHERE ${w})`,
      versionRow,
    );
    return row?.version ?? 0;
  }

  /** One more than the partition's newest saved version (read once per partition and at each list, then counted). */
  async function nextVersion(group: string, topic: string, partition: number): Promise<number> {
    const key = partitionKey(group, topic, partition);
    const newest = newestVersion.get(key) ?? (await newestWritten(group, topic, partition));
    newestVersion.set(key, newest + 1);
    return newest + 1;
  }

  /**
   * Queues the deletion of the partition's page rows that no checkpoint row references any more and that merges will
   * never replace: pages numbered at or past the page count of the newest checkpoint in their slot, of an older
   * version (the tail of a superseded checkpoint that had more pages, or of a save that failed before its row). Lower
   * pages of superseded versions share their slot and page number with the newest checkpoint's and go at the next
   * merge (ReplacingMergeTree). Only rows below their slot's newest checkpoint row are touched, and this runs after the
   * save's own row is written, so a checkpoint that can be listed never loses a page, and a crash before or during it
   * leaves only rows the next save removes. `ALTER TABLE … DELETE` is a mutation (asynchronous; on 18.16 it rewrites
   * every part of the table), so it is queued only when there is something to delete and no earlier one is running.
   */
  async function removeStalePages(group: string, topic: string, partition: number): Promise<number> {
    const w = where(group, topic, partition);
    const headers = await ch.query(
      sql`SELECT slot, max(version) AS newest, argMax(pages, version) AS newest_pages
          FROM ${db}.detector_checkpoints WHERE ${w} GROUP BY slot`,
      slotHeaderRow,
    );
    const newest = new Map(headers.map((h) => [h.slot, { version: h.newest, pages: h.newest_pages }]));
    const stored = await ch.query(
      sql`SELECT slot, version, max(page) AS last FROM ${db}.detector_checkpoint_pages WHERE ${w} GROUP BY slot, version`,
      slotPagesRow,
    );
    const staleSlots = new Map<number, { version: number; pages: number }>();
    for (const { slot, version, last } of stored) {
      const header = newest.get(slot);
      if (header && version < header.version && last >= header.pages) staleSlots.set(slot, header);
    }
    if (staleSlots.size === 0) return 0;
    const stale = joinSql(
      [...staleSlots].map(([slot, h]) => sql`(slot = ${slot} AND version < ${h.version} AND page >= ${h.pages})`),
      ' OR ',
    );
    const [running] = await ch.query(
      sql`SELECT count() AS n FROM system.mutations
          WHERE database = ${ch.database} AND table = 'detector_checkpoint_pages' AND is_done = 0`,
      countRow,
    );
    if (running!.n > 0) return 0;
    const [rows] = await ch.query(
      sql`SELECT count() AS n FROM ${db}.detector_checkpoint_pages WHERE ${w} AND (${stale})`,
      countRow,
    );
    await ch.command(sql`ALTER TABLE ${db}.detector_checkpoint_pages DELETE WHERE ${w} AND (${stale})`);
    return rows!.n;
  }

  return {
    async save(group, topic, partition, { kind, parent, nextOffset, positions, pages }) {
      const version = await nextVersion(group, topic, partition);
      const identity = { consumer_group: group, topic, partition, slot: version % slots, version };
      const savedAt = Math.floor(Date.now() / 1000);
      const sha256 = createHash('sha256');
      let [bytes, count, batchBytes] = [0, 0, 0];
      let batch: Array<Record<string, unknown>> = [];
      for (const page of pages) {
        sha256.update(page);
        bytes += page.length;
        const state = (await gzipAsync(page)).toString('base64');
        batch.push({ ...identity, page: count++, state, saved_at: savedAt });
        batchBytes += state.length;
        if (batchBytes < INSERT_BYTES) continue;
        await ch.insert('detector_checkpoint_pages', batch);
        [batch, batchBytes] = [[], 0];
      }
      if (count === 0) throw new Error(`a checkpoint of ${topic}:${partition} (${group}) has no page`);
      await ch.insert('detector_checkpoint_pages', batch);
      await ch.insert('detector_checkpoints', [
        {
          ...identity,
          delta: kind === 'delta' ? 1 : 0,
          parent,
          next_offset: nextOffset,
          positions: JSON.stringify(positions),
          state: '',
          state_bytes: bytes,
          pages: count,
          state_sha256: sha256.digest('hex'),
          saved_at: savedAt,
        },
      ]);
      const stale = await removeStalePages(group, topic, partition).then(
        (rows) => ({ rows }),
        (error: unknown) => ({ rows: 0, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      return { version, bytes, pages: count, stale };
    },
    async list(group, topic, partition) {
      const rows = await ch.query(
        sql`SELECT version, delta, parent, next_offset, positions, state_bytes,
              if(positions = '', state, '') AS legacy_state
            FROM ${db}.detector_checkpoints WHERE ${where(group, topic, partition)} ORDER BY version`,
        listedRow,
      );
      const listed = new Map<number, StoredCheckpoint>();
      for (const r of rows) {
        if (listed.has(r.version)) continue;
        const positions = r.positions === '' ? (await legacyOf(r.legacy_state)).next : JSON.parse(r.positions);
        listed.set(r.version, {
          version: r.version,
          kind: r.delta === 1 ? 'delta' : 'full',
          parent: r.parent,
          nextOffset: r.next_offset,
          positions: positionsSchema.parse(positions),
          bytes: r.state_bytes,
        });
      }
      // A store that starts later, or gets a partition back after another instance wrote to it, counts on from here.
      const newest = Math.max(await newestWritten(group, topic, partition), ...listed.keys());
      const key = partitionKey(group, topic, partition);
      if (newest > (newestVersion.get(key) ?? -1)) newestVersion.set(key, newest);
      return [...listed.values()];
    },
    async *read(group, topic, partition, version) {
      const w = sql`${where(group, topic, partition)} AND version = ${version}`;
      const [row] = await ch.query(
        sql`SELECT positions, pages, state_bytes, state_sha256, if(pages = 0, state, '') AS state
            FROM ${db}.detector_checkpoints WHERE ${w} LIMIT 1`,
        headerRow,
      );
      const what = `checkpoint version ${version} of ${topic}:${partition} (${group})`;
      if (!row) throw errors.badInput(`${what} is gone`);
      const unpacked = async (which: string, unpack: () => Promise<Buffer>) => {
        try {
          return await unpack();
        } catch (error) {
          throw errors.badInput(`${which} cannot be decompressed (${(error as Error).message})`, error);
        }
      };
      const gunzipped = (state: string) => () => gunzipAsync(Buffer.from(state, 'base64'));
      // Written before pages (migration 0010): the whole state in the row, as one page.
      if (row.pages === 0) {
        const legacy = async () => Buffer.from((await legacyOf(row.state)).state, 'base64');
        yield await unpacked(what, row.positions === '' ? legacy : gunzipped(row.state));
        return;
      }
      const sha256 = createHash('sha256');
      let bytes = 0;
      for (let page = 0; page < row.pages; page++) {
        const which = `page ${page + 1} of ${row.pages} of ${what}`;
        const [stored] = await ch.query(
          sql`SELECT state FROM ${db}.detector_checkpoint_pages WHERE ${w} AND page = ${page} LIMIT 1`,
          pageRow,
        );
        if (!stored) throw errors.badInput(`${which} is gone`);
        const bytesOf = await unpacked(which, gunzipped(stored.state));
        sha256.update(bytesOf);
        bytes += bytesOf.length;
        if (bytes > row.state_bytes)
          throw errors.badInput(`${what}: its pages hold more than the ${row.state_bytes} bytes saved`);
        if (page === row.pages - 1 && (bytes !== row.state_bytes || sha256.digest('hex') !== row.state_sha256))
          throw errors.badInput(`${what}: its pages do not add up to what was saved (bytes or sha256 differ)`);
        yield bytesOf;
      }
    },
  };
}
