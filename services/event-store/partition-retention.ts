import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table as qualified } from '../common/clickhouse/table.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';

const DAY_MS = 86_400_000;

/** The tables with a retention setting; both are partitioned by toDate(ts) (migrations 0001). */
type RetainedTable = keyof Config['retention']['days'];

/**
 * The hourly rollup of each retained table (migration 0008), partitioned by the date of its UTC hour: the same
 * partition id as the rows it sums, so a partition of the table goes with the same one of its rollup.
 */
const ROLLUPS = { usage_events: 'usage_hours', key_features: 'key_feature_hours' } as const satisfies Record<
  RetainedTable,
  string
>;

const partitionRow = z.object({
  partition_id: z.string(),
  partition: z.string(),
  newest_s: z.coerce.number(),
});

interface DroppedPartition {
  table: RetainedTable;
  partition: string;
  newestRow: string;
}

/**
 * The partitions of `table` whose newest row is older than `cutMs`, read from system.parts. Comparing the newest row
 * (toUnixTimestamp(max_time)) rather than the partition's date keeps this right whatever the server's time zone:
 * a partition goes only when every row in it is past the cut.
 */
async function expiredPartitions(
  ch: ClickHouse,
  table: RetainedTable,
  cutMs: number,
): Promise<Array<z.output<typeof partitionRow>>> {
  const rows = await ch.query(
    sql`SELECT partition_id, any(partition) AS partition, toUnixTimestamp(max(max_time)) AS newest_s
        FROM system.parts
        WHERE database = ${ch.database} AND table = ${table} AND active
        GROUP BY partition_id
        ORDER BY partition_id`,
    partitionRow,
  );
  // newest_s 0 means the part has no time range (not partitioned by time): never treated as expired.
  return rows.filter((r) => r.newest_s > 0 && r.newest_s * 1000 < cutMs);
}

/**
 * Drops every partition past its table's retention, and the same partition of its hourly rollup (ALTER TABLE … DROP
 * PARTITION ID, valid on 18.16 and current ClickHouse, which has TTL but 18.16 has not; dropping a partition the
 * rollup lacks is a no-op); tables with 0 days are kept forever and not even read. Each drop is logged with the
 * table, the partition and its newest row.
 */
export async function dropExpiredPartitions(
  ch: ClickHouse,
  retention: Config['retention'],
  logger: Logger,
  nowMs = Date.now(),
): Promise<DroppedPartition[]> {
  const dropped: DroppedPartition[] = [];
  for (const [table, days] of Object.entries(retention.days) as Array<[RetainedTable, number]>) {
    if (days <= 0) continue;
    const cutMs = nowMs - days * DAY_MS;
    for (const p of await expiredPartitions(ch, table, cutMs)) {
      for (const name of [table, ROLLUPS[table]]) {
        await ch.command(sql`ALTER TABLE ${qualified(ch, name)} DROP PARTITION ID ${p.partition_id}`);
      }
      const entry = { table, partition: p.partition, newestRow: new Date(p.newest_s * 1000).toISOString() };
      logger.info({ ...entry, retention_days: days }, 'retention: dropped a partition past its retention');
      dropped.push(entry);
    }
  }
  return dropped;
}

/**
 * Runs dropExpiredPartitions at start and every DG_RETENTION_INTERVAL_S; a failed pass is logged and retried at the
 * next interval (nothing else depends on it). Returns a stop function that waits for a running pass.
 */
export function startPartitionRetention(
  ch: ClickHouse,
  retention: Config['retention'],
  logger: Logger,
): () => Promise<void> {
  const log = logger.child({ component: 'retention' });
  if (Object.values(retention.days).every((d) => d <= 0)) {
    log.info('retention: every table is kept forever (DG_RETENTION_*_DAYS = 0)');
    return async () => {};
  }
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = running
      .then(() => dropExpiredPartitions(ch, retention, log))
      .catch((error: unknown) => log.warn({ err: error }, 'retention: pass failed; retrying at the next interval'));
  };
  pass();
  const timer = setInterval(pass, retention.intervalS * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
