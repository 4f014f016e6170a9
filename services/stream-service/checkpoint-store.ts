import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql } from '../common/clickhouse/sql.ts';
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
  /** The processor's serialised state (or delta), stored compressed. */
  state: Buffer;
}

/** A saved checkpoint as listed: everything but its state, which `read` fetches. */
export interface StoredCheckpoint extends Omit<Checkpoint, 'state'> {
  version: number;
  /** Uncompressed size of the state. */
  bytes: number;
}

export interface CheckpointStore {
  /** Saves a checkpoint and returns its version (higher than every version the partition had). */
  save(group: string, topic: string, partition: number, checkpoint: Checkpoint): Promise<number>;
  /** Every retained checkpoint of the partition, oldest first, without state. */
  list(group: string, topic: string, partition: number): Promise<StoredCheckpoint[]>;
  /**
   * The state of one listed checkpoint. Throws DG_ERR_BAD_INPUT when it is gone or cannot be decompressed (restore
   * then falls back); any other error is the store's (unreachable, overloaded) and is retried.
   */
  read(group: string, topic: string, partition: number, version: number): Promise<Buffer>;
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
const stateRow = z.object({ positions: z.string(), state: z.string() });
const versionRow = z.object({ version: z.coerce.number() });
/** Rows written before migration 0007: gzip of `{ next, state: base64 }`, carried over with empty `positions`. */
const legacySaved = z.object({ next: positionsSchema, state: z.string() });

async function legacyOf(state: string): Promise<z.output<typeof legacySaved>> {
  return legacySaved.parse(JSON.parse((await gunzipAsync(Buffer.from(state, 'base64'))).toString('utf8')));
}

/**
 * Checkpoints in ClickHouse `detector_checkpoints`: the state gzipped once (off the event loop) and base64-encoded
 * in a String column. Versions count up per partition; a save writes slot `version % (retain × (fullEvery + 1))` of
 * a ReplacingMergeTree (migrations 0007, 0009), so the newest `retain` chains stay whole whatever their length.
 */
export function createClickHouseCheckpointStore(ch: ClickHouse, options: CheckpointStoreOptions): CheckpointStore {
  const db = ident(ch.database);
  const slots = options.retain * (options.fullEvery + 1);
  const newestVersion = new Map<string, number>();
  const partitionKey = (group: string, topic: string, partition: number) => JSON.stringify([group, topic, partition]);
  const where = (group: string, topic: string, partition: number) =>
    sql`consumer_group = ${group} AND topic = ${topic} AND partition = ${partition}`;

  /** One more than the partition's newest saved version (read once per partition and at each list, then counted). */
  async function nextVersion(group: string, topic: string, partition: number): Promise<number> {
    const key = partitionKey(group, topic, partition);
    let newest = newestVersion.get(key);
    if (newest === undefined) {
      const [row] = await ch.query(
        sql`SELECT max(version) AS version FROM ${db}.detector_checkpoints WHERE ${where(group, topic, partition)}`,
        versionRow,
      );
      newest = row?.version ?? 0;
    }
    newestVersion.set(key, newest + 1);
    return newest + 1;
  }

  return {
    async save(group, topic, partition, { kind, parent, nextOffset, positions, state }) {
      const version = await nextVersion(group, topic, partition);
      const compressed = await gzipAsync(state);
      await ch.insert('detector_checkpoints', [
        {
          consumer_group: group,
          topic,
          partition,
          slot: version % slots,
          version,
          delta: kind === 'delta' ? 1 : 0,
          parent,
          next_offset: nextOffset,
          positions: JSON.stringify(positions),
          state: compressed.toString('base64'),
          state_bytes: state.length,
          saved_at: Math.floor(Date.now() / 1000),
        },
      ]);
      return version;
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
      const newest = Math.max(0, ...listed.keys());
      const key = partitionKey(group, topic, partition);
      if (newest > (newestVersion.get(key) ?? -1)) newestVersion.set(key, newest);
      return [...listed.values()];
    },
    async read(group, topic, partition, version) {
      const [row] = await ch.query(
        sql`SELECT positions, state FROM ${db}.detector_checkpoints
            WHERE ${where(group, topic, partition)} AND version = ${version} LIMIT 1`,
        stateRow,
      );
      const what = `checkpoint version ${version} of ${topic}:${partition} (${group})`;
      if (!row) throw errors.badInput(`${what} is gone`);
      try {
        if (row.positions === '') return Buffer.from((await legacyOf(row.state)).state, 'base64');
        return await gunzipAsync(Buffer.from(row.state, 'base64'));
      } catch (error) {
        throw errors.badInput(`${what} cannot be decompressed (${(error as Error).message})`, error);
      }
    },
  };
}
