import { z } from 'zod';
import type { ClickHouse } from '../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';

const newestRow = z.object({
  consumer_group: z.string(),
  partition: z.coerce.number(),
  newest_version: z.coerce.number(),
  newest_bytes: z.coerce.number(),
});
export type NewestCheckpoint = z.output<typeof newestRow>;

/** The newest checkpoint of every (consumer group, partition): its version and uncompressed state size. */
export async function newestCheckpoints(ch: ClickHouse): Promise<NewestCheckpoint[]> {
  const db = ident(ch.database);
  return ch.query(
    sql`SELECT consumer_group, partition, max(version) AS newest_version, argMax(state_bytes, version) AS newest_bytes
        FROM ${db}.detector_checkpoints
        GROUP BY consumer_group, partition
        ORDER BY consumer_group, partition`,
    newestRow,
  );
}

const tableRow = z.object({ table: z.string(), rows: z.coerce.number(), bytes: z.coerce.number() });

/** Rows and bytes on disk of every table in the database (active parts). */
export async function tableSizes(ch: ClickHouse): Promise<z.output<typeof tableRow>[]> {
  return ch.query(
    sql`SELECT table, sum(rows) AS rows, sum(bytes) AS bytes FROM system.parts
        WHERE database = ${ch.database} AND active GROUP BY table ORDER BY table`,
    tableRow,
  );
}
