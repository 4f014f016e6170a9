import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type ClickHouse, createClickHouse } from '../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';
import type { Config } from '../../services/common/config/index.ts';

const POLL_MS = 2_000;
const PROGRESS_EVERY_MS = 30_000;

export interface MergeRequest {
  /** In this order; the most expensive to merge last, so the budget runs out on it. */
  tables: readonly string[];
  /** [fromS, toS) in epoch seconds: the partitions holding these rows are merged, the others left as they are. */
  fromS: number;
  toS: number;
  budgetMs: number;
  log(message: string): void;
}

/** A table's partitions in the range after the merges: what the scenario's notes report. */
export interface TableParts {
  table: string;
  partitions: number;
  /** Partitions in one part. */
  merged: number;
  parts: number;
}

export interface MergeReport {
  tables: TableParts[];
  /** OPTIMIZE … FINAL statements that finished. */
  forced: number;
  /** The budget ran out before every partition was in one part (a running merge was stopped). */
  budgetSpent: boolean;
  /** Background merges in the database when the measurement starts. */
  stillMerging: number;
  seconds: number;
}

const partitionRow = z.object({ id: z.string(), parts: z.coerce.number(), rows: z.coerce.number() });
const mergesRow = z.object({ n: z.coerce.number(), elapsed: z.coerce.number(), progress: z.coerce.number() });

async function partitionsIn(ch: ClickHouse, table: string, r: MergeRequest): Promise<z.output<typeof partitionRow>[]> {
  const where = sql`database = ${ch.database} AND table = ${table} AND active`;
  return ch.query(
    sql`SELECT partition_id AS id, count() AS parts, sum(rows) AS rows FROM system.parts WHERE ${where}
          AND partition_id IN (SELECT partition_id FROM system.parts WHERE ${where}
                               AND max_time >= toDateTime(${r.fromS}) AND min_time < toDateTime(${r.toS}))
        GROUP BY partition_id ORDER BY partition_id`,
    partitionRow,
  );
}

/** Merges running in the database, or only those of one partition. */
async function runningMerges(ch: ClickHouse, only?: { table: string; id: string }) {
  const partition = only ? sql` AND table = ${only.table} AND partition_id = ${only.id}` : sql``;
  const [row] = await ch.query(
    sql`SELECT count() AS n, max(elapsed) AS elapsed, min(progress) AS progress FROM system.merges
        WHERE database = ${ch.database}${partition}`,
    mergesRow,
  );
  return row ?? { n: 0, elapsed: 0, progress: 0 };
}

/** Waits until the database has no background merge or the deadline passes; returns how many still run. */
async function settle(ch: ClickHouse, deadline: number, log: (m: string) => void): Promise<number> {
  let lastLog = 0;
  for (;;) {
    const merges = await runningMerges(ch);
    if (merges.n === 0 || Date.now() >= deadline) return merges.n;
    if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
      lastLog = Date.now();
      log(`waiting for ${merges.n} background merge(s), the oldest ${merges.elapsed.toFixed(0)} s old`);
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/**
 * OPTIMIZE one partition FINAL, stopped at the deadline: on 18.16 a client that stops waiting leaves the merge
 * running on the server, while SYSTEM STOP MERGES aborts it (the statement fails with code 236, parts unchanged).
 */
async function optimizeBefore(
  ch: ClickHouse,
  statements: ClickHouse,
  table: string,
  id: string,
  deadline: number,
  log: (m: string) => void,
): Promise<boolean> {
  const target = sql`${ident(ch.database)}.${ident(table)}`;
  let stopping: Promise<void> | undefined;
  const stop = setTimeout(() => {
    stopping = ch.command(sql`SYSTEM STOP MERGES ${target}`);
  }, deadline - Date.now());
  const progress = setInterval(() => {
    runningMerges(ch, { table, id }).then(
      (m) => m.n > 0 && log(`${table} ${id}: ${(m.progress * 100).toFixed(0)}% after ${m.elapsed.toFixed(0)} s`),
      () => {},
    );
  }, PROGRESS_EVERY_MS);
  try {
    await statements.command(sql`OPTIMIZE TABLE ${target} PARTITION ID ${id} FINAL`);
    return true;
  } catch (error) {
    if (!stopping) throw error;
    return false;
  } finally {
    clearTimeout(stop);
    clearInterval(progress);
    if (stopping) {
      await stopping;
      await ch.command(sql`SYSTEM START MERGES ${target}`);
    }
  }
}

/** Forces each table's partitions in the range into one part each, within the budget, logging progress. */
async function forceMerges(ch: ClickHouse, statements: ClickHouse, r: MergeRequest, deadline: number) {
  let forced = 0;
  for (const table of r.tables) {
    const pending = (await partitionsIn(ch, table, r)).filter((p) => p.parts > 1);
    for (const [i, p] of pending.entries()) {
      const left = deadline - Date.now();
      if (left <= 0) return { forced, budgetSpent: true };
      r.log(
        `OPTIMIZE ${table} PARTITION ID ${p.id} FINAL (${p.parts} parts, ${p.rows.toLocaleString('en-US')} rows; ${i + 1}/${pending.length}, ${(left / 1000).toFixed(0)} s of the merge budget left)`,
      );
      const started = Date.now();
      if (!(await optimizeBefore(ch, statements, table, p.id, deadline, r.log))) {
        r.log(`${table} ${p.id}: merge stopped after ${((Date.now() - started) / 1000).toFixed(0)} s, budget spent`);
        return { forced, budgetSpent: true };
      }
      r.log(`${table} ${p.id}: merged in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      forced++;
    }
  }
  return { forced, budgetSpent: false };
}

/**
 * Brings the partitions the queries read into one part each, as older partitions end up, within a wall-clock
 * budget: waits for the background merges, then OPTIMIZE … FINAL per partition still in several parts (a partition
 * already in one part is not rewritten). What the budget did not cover stays as it is and is reported.
 */
export async function mergeReadPartitions(
  ch: ClickHouse,
  config: Config['clickhouse'],
  r: MergeRequest,
): Promise<MergeReport> {
  const started = Date.now();
  const deadline = started + r.budgetMs;
  // Stopped at the deadline by SYSTEM STOP MERGES; the client's own timeout is only a backstop.
  const statements = createClickHouse({ ...config, timeoutMs: r.budgetMs + 60_000 }, { database: ch.database });
  try {
    await settle(ch, deadline, r.log);
    const { forced, budgetSpent } = await forceMerges(ch, statements, r, deadline);
    const stillMerging = await settle(ch, deadline, r.log);
    const tables = await Promise.all(r.tables.map(async (table) => summarise(table, await partitionsIn(ch, table, r))));
    return { tables, forced, budgetSpent, stillMerging, seconds: (Date.now() - started) / 1000 };
  } finally {
    await statements.close();
  }
}

function summarise(table: string, partitions: z.output<typeof partitionRow>[]): TableParts {
  const merged = partitions.filter((p) => p.parts === 1).length;
  const parts = partitions.reduce((n, p) => n + p.parts, 0);
  return { table, partitions: partitions.length, merged, parts };
}
