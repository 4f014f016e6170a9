import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fillInvestigatorData } from '../../../bench/lib/investigate-data.ts';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { testConfig } from '../../helpers/infra.ts';

const config = testConfig();
const EVENTS = 20_000;
const CHUNK = 5_000;
let ch: ClickHouse;

async function count(table: string): Promise<number> {
  const [row] = await ch.queryRaw(sql`SELECT count() AS n FROM ${ident(ch.database)}.${ident(table)}`);
  return Number(row?.n);
}

before(() => {
  ch = createClickHouse(config.clickhouse);
});

after(async () => {
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
  await ch.close();
});

test('the investigator data resumes after finished steps and is rebuilt after a step stopped part-way', async () => {
  const log: string[] = [];
  const first = await fillInvestigatorData(ch, EVENTS, CHUNK, (m) => log.push(m));
  assert.equal(await count('usage_events'), EVENTS);
  const features = await count('key_features');
  assert.ok(features > 0);
  assert.ok(first.stepsRun > EVENTS / CHUNK, 'event chunks and feature steps');

  const resumed = await fillInvestigatorData(ch, EVENTS, CHUNK, (m) => log.push(m));
  assert.equal(resumed.stepsRun, 0, 'every step was done');

  // The markers of a fill stopped in its second step: its INSERT … SELECT may have written some of its blocks.
  const [row] = await ch.queryRaw(sql`SELECT any(spec) AS spec FROM ${ident(ch.database)}.bench_steps`);
  await ch.command(sql`DROP TABLE ${ident(ch.database)}.bench_steps`);
  await ch.command(
    sql`CREATE TABLE ${ident(ch.database)}.bench_steps (spec String, chunk UInt32, state String) ENGINE = TinyLog`,
  );
  await ch.insert('bench_steps', [
    { spec: String(row?.spec), chunk: 0, state: 'done' },
    { spec: String(row?.spec), chunk: 1, state: 'started' },
  ]);
  const rebuilt = await fillInvestigatorData(ch, EVENTS, CHUNK, (m) => log.push(m));
  assert.equal(rebuilt.stepsRun, first.stepsRun, 'every step ran again');
  assert.equal(await count('usage_events'), EVENTS, 'no rows twice');
  assert.equal(await count('key_features'), features);
  assert.ok(
    log.some((m) => m.includes('step 2 was stopped part-way')),
    log.join('\n'),
  );
});
