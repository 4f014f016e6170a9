import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { ident, sql } from '../common/clickhouse/sql.ts';

export interface Checkpoint {
  nextOffset: string;
  state: Buffer;
}

export interface CheckpointStore {
  save(group: string, topic: string, partition: number, checkpoint: Checkpoint): Promise<void>;
  /** The newest checkpoint of the partition, or null when it has none. */
  load(group: string, topic: string, partition: number): Promise<Checkpoint | null>;
}

const row = z.object({ next_offset: z.coerce.string(), state: z.string() });

/** Checkpoints in ClickHouse `detector_checkpoints`, gzip-compressed and base64-encoded in a String column. */
export function createClickHouseCheckpointStore(ch: ClickHouse): CheckpointStore {
  let lastVersion = 0;
  const db = ident(ch.database);
  return {
    async save(group, topic, partition, { nextOffset, state }) {
      lastVersion = Math.max(lastVersion + 1, Date.now());
      await ch.insert('detector_checkpoints', [
        {
          consumer_group: group,
          topic,
          partition,
          next_offset: nextOffset,
          state: gzipSync(state).toString('base64'),
          state_bytes: state.length,
          saved_at: Math.floor(Date.now() / 1000),
          version: lastVersion,
        },
      ]);
    },
    async load(group, topic, partition) {
      const [found] = await ch.query(
        sql`SELECT next_offset, state FROM ${db}.detector_checkpoints
            WHERE consumer_group = ${group} AND topic = ${topic} AND partition = ${partition}
            ORDER BY version DESC LIMIT 1`,
        row,
      );
      return found ? { nextOffset: found.next_offset, state: gunzipSync(Buffer.from(found.state, 'base64')) } : null;
    },
  };
}
