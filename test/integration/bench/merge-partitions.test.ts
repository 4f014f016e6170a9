import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { mergeReadPartitions } from '../../../bench/lib/merge-partitions.ts';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { testConfig } from '../../helpers/infra.ts';

const config = testConfig();
const DAY_S = 86_400;
const JAN_31 = Date.parse('2026-01-31T00:00:00Z') / 1000;
let ch: ClickHouse;

const partsRow = z.object({ partition: z.string(), name: z.string() });
async function parts(table: string): Promise<Map<string, string[]>> {
  const rows = await ch.query(
    sql`SELECT partition_id AS partition, name FROM system.parts
        WHERE database = ${ch.database} AND table = ${table} AND active ORDER BY name`,
    partsRow,
  );
  const byPartition = new Map<string, string[]>();
  for (const r of rows) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.name]);
  return byPartition;
}

/** One part per call in the partition of `dayS` (two small parts stay apart: 18.16's background merges wait for more). */
async function insertPart(table: string, dayS: number, rows: number, offset: number): Promise<void> {
  await ch.command(
    sql`INSERT INTO ${ident(ch.database)}.${ident(table)}
        SELECT number, toDateTime(${dayS} + number % ${DAY_S}), quantileState(0.9)(toFloat64(number))
        FROM numbers(${offset}, ${rows}) GROUP BY number`,
  );
}

async function createTable(table: string): Promise<void> {
  await ch.command(
    sql`CREATE TABLE ${ident(ch.database)}.${ident(table)}
        (k UInt64, ts DateTime, q AggregateFunction(quantile(0.9), Float64))
        ENGINE = AggregatingMergeTree() PARTITION BY toDate(ts) ORDER BY k`,
  );
}

before(async () => {
  ch = createClickHouse(config.clickhouse);
  await ch.command(sql`CREATE DATABASE ${ident(ch.database)}`);
});

after(async () => {
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
  await ch.close();
});

test('merges only the partitions in the range that are in several parts, and logs each', async () => {
  await createTable('small');
  await insertPart('small', JAN_31, 10, 0);
  await insertPart('small', JAN_31, 10, 10);
  await insertPart('small', JAN_31 + DAY_S, 10, 0);
  await insertPart('small', JAN_31 + 5 * DAY_S, 10, 0);
  await insertPart('small', JAN_31 + 5 * DAY_S, 10, 10);
  const before = await parts('small');
  const logs: string[] = [];

  const report = await mergeReadPartitions(ch, config.clickhouse, {
    tables: ['small'],
    fromS: JAN_31,
    toS: JAN_31 + 2 * DAY_S,
    budgetMs: 120_000,
    log: (m) => logs.push(m),
  });

  const afterMerge = await parts('small');
  assert.equal(afterMerge.get('20260131')?.length, 1);
  assert.deepEqual(afterMerge.get('20260201'), before.get('20260201'), 'a partition in one part is not rewritten');
  assert.deepEqual(afterMerge.get('20260205'), before.get('20260205'), 'outside the range: left as it was');
  assert.deepEqual(report.tables, [{ table: 'small', partitions: 2, merged: 2, parts: 2 }]);
  assert.equal(report.forced, 1);
  assert.equal(report.budgetSpent, false);
  assert.ok(logs.some((m) => /^OPTIMIZE small PARTITION ID 20260131 FINAL \(2 parts, 20 rows; 1\/1/.test(m)));
  assert.ok(logs.some((m) => /^small 20260131: merged in \d+ s$/.test(m)));
});

test('when the budget runs out the running merge is stopped, the parts stay, and merges work again after', async () => {
  await createTable('large');
  // Two parts whose merge takes seconds (quantile states): longer than the budget below.
  await insertPart('large', JAN_31, 600_000, 0);
  await insertPart('large', JAN_31, 600_000, 600_000);
  const before = await parts('large');
  const logs: string[] = [];
  const request = { tables: ['large'], fromS: JAN_31, toS: JAN_31 + DAY_S, log: (m: string) => logs.push(m) };

  const stopped = await mergeReadPartitions(ch, config.clickhouse, { ...request, budgetMs: 300 });

  assert.equal(stopped.budgetSpent, true);
  assert.equal(stopped.forced, 0);
  assert.deepEqual(await parts('large'), before);
  assert.deepEqual(stopped.tables, [{ table: 'large', partitions: 1, merged: 0, parts: 2 }]);
  assert.ok(logs.some((m) => /^large 20260131: merge stopped after \d+ s, budget spent$/.test(m)));
  const [running] = await ch.queryRaw(
    sql`SELECT count() AS n FROM system.merges WHERE database = ${ch.database} AND table = 'large'`,
  );
  assert.equal(Number(running?.n), 0);

  const merged = await mergeReadPartitions(ch, config.clickhouse, { ...request, budgetMs: 600_000 });
  assert.equal(merged.forced, 1);
  assert.deepEqual(merged.tables, [{ table: 'large', partitions: 1, merged: 1, parts: 1 }]);
  const [count] = await ch.queryRaw(sql`SELECT count() AS n FROM ${ident(ch.database)}.large`);
  assert.equal(Number(count?.n), 1_200_000);
});
