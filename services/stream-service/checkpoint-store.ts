import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql } from '../common/clickhouse/sql.ts';

/** zlib on the libuv thread pool: a large checkpoint does not block the event loop while it compresses. */
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface Checkpoint {
  /** The source offset committed after this checkpoint. */
  nextOffset: string;
  /** Per `topic:partition`, the first offset the state does not cover (every source the state folds). */
  positions: Record<string, string>;
  /** The processor's serialised state, stored compressed. */
  state: Buffer;
}

export interface CheckpointStore {
  save(group: string, topic: string, partition: number, checkpoint: Checkpoint): Promise<void>;
  /** The newest checkpoint of the partition, or null when it has none. */
  load(group: string, topic: string, partition: number): Promise<Checkpoint | null>;
}

export interface CheckpointStoreOptions {
  /** Checkpoints kept per consumer group and source partition (the newest ones). */
  retain: number;
}

const positionsSchema = z.record(z.string(), z.string());
const storedRow = z.object({ next_offset: z.coerce.string(), positions: z.string(), state: z.string() });
const versionRow = z.object({ version: z.coerce.number() });
/** Rows written before migration 0007: gzip of `{ next, state: base64 }`, carried over with empty `positions`. */
const legacySaved = z.object({ next: positionsSchema, state: z.string() });

async function decode(row: z.output<typeof storedRow>): Promise<Checkpoint> {
  const bytes = await gunzipAsync(Buffer.from(row.state, 'base64'));
  if (row.positions !== '') {
    return { nextOffset: row.next_offset, positions: positionsSchema.parse(JSON.parse(row.positions)), state: bytes };
  }
  const legacy = legacySaved.parse(JSON.parse(bytes.toString('utf8')));
  return { nextOffset: row.next_offset, positions: legacy.next, state: Buffer.from(legacy.state, 'base64') };
}

/**
 * Checkpoints in ClickHouse `detector_checkpoints`: the state gzipped once (off the event loop) and base64-encoded
 * in a String column, the newest `retain` per partition kept by writing slot `version % retain` of a
 * ReplacingMergeTree (see migration 0007).
 */
export function createClickHouseCheckpointStore(ch: ClickHouse, options: CheckpointStoreOptions): CheckpointStore {
  const db = ident(ch.database);
  const newestVersion = new Map<string, number>();
  const where = (group: string, topic: string, partition: number) =>
    sql`consumer_group = ${group} AND topic = ${topic} AND partition = ${partition}`;

  /** One more than the partition's newest saved version (read once per partition, then counted here). */
  async function nextVersion(group: string, topic: string, partition: number): Promise<number> {
    const key = JSON.stringify([group, topic, partition]);
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
    async save(group, topic, partition, { nextOffset, positions, state }) {
      const version = await nextVersion(group, topic, partition);
      const compressed = await gzipAsync(state);
      await ch.insert('detector_checkpoints', [
        {
          consumer_group: group,
          topic,
          partition,
          slot: version % options.retain,
          version,
          next_offset: nextOffset,
          positions: JSON.stringify(positions),
          state: compressed.toString('base64'),
          state_bytes: state.length,
          saved_at: Math.floor(Date.now() / 1000),
        },
      ]);
    },
    async load(group, topic, partition) {
      const [found] = await ch.query(
        sql`SELECT next_offset, positions, state FROM ${db}.detector_checkpoints
            WHERE ${where(group, topic, partition)} ORDER BY version DESC LIMIT 1`,
        storedRow,
      );
      return found ? decode(found) : null;
    },
  };
}
