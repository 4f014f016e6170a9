import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { dropExpiredPartitions } from '../../../services/event-store/partition-retention.ts';
import { testClickHouse, testConfig } from '../../helpers/infra.ts';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
/** Ages in days of the rows inserted into both tables: two old, two recent. */
const AGES = [45, 31, 29, 0];

let ch: Awaited<ReturnType<typeof testClickHouse>>;

const toDateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

before(async () => {
  ch = await testClickHouse(testConfig());
  const times = AGES.map((age) => NOW - age * DAY_MS);
  await ch.insert(
    'usage_events',
    times.map((ms, i) => ({
      event_id: `evt-${i}`,
      ts: toDateTime(ms),
      ts_ms: ms,
      api_key_id: 'key-1',
      org_id: 'org-1',
      model: 'm',
      prompt_text: `prompt ${i}`,
      ingested_at: toDateTime(ms),
    })),
  );
  await ch.insert(
    'key_features',
    times.map((ms) => ({
      api_key_id: 'key-1',
      org_id: 'org-1',
      model: 'm',
      ts: toDateTime(ms),
      ts_ms: ms,
      score: 0.1,
    })),
  );
});

after(async () => {
  await ch?.drop();
});

async function agesLeft(table: 'usage_events' | 'key_features'): Promise<number[]> {
  const rows = await ch.query(
    sql`SELECT ts_ms FROM ${ident(ch.database)}.${ident(table)} ORDER BY ts_ms`,
    z.object({ ts_ms: z.coerce.number() }),
  );
  return rows.map((r) => Math.round((NOW - r.ts_ms) / DAY_MS)).sort((a, b) => b - a);
}

/** Ages in days of the hours left in a table's hourly rollup (migration 0008). */
async function rollupAgesLeft(rollup: 'usage_hours' | 'key_feature_hours'): Promise<number[]> {
  const rows = await ch.query(
    sql`SELECT DISTINCT toUInt32(hour) AS hour_s FROM ${ident(ch.database)}.${ident(rollup)}`,
    z.object({ hour_s: z.coerce.number() }),
  );
  return rows.map((r) => Math.round((NOW - r.hour_s * 1000) / DAY_MS)).sort((a, b) => b - a);
}

const retention = (env: Record<string, string>) => loadConfig(env).retention;

test('0 days (the default) keeps every partition of both tables', async () => {
  assert.deepEqual(await dropExpiredPartitions(ch, retention({}), silentLogger, NOW), []);
  assert.deepEqual(await agesLeft('usage_events'), AGES);
  assert.deepEqual(await agesLeft('key_features'), AGES);
});

test('usage_events at 30 days: only the partitions older than 30 days are dropped, key_features untouched', async () => {
  const dropped = await dropExpiredPartitions(
    ch,
    retention({ DG_RETENTION_USAGE_EVENTS_DAYS: '30' }),
    silentLogger,
    NOW,
  );
  assert.deepEqual(
    dropped.map((d) => [d.table, d.newestRow]),
    [45, 31].map((age) => ['usage_events', new Date(NOW - age * DAY_MS).toISOString()]),
  );
  assert.deepEqual(await agesLeft('usage_events'), [29, 0]);
  assert.deepEqual(await agesLeft('key_features'), AGES);
  // The hourly rollups follow their tables.
  assert.deepEqual(await rollupAgesLeft('usage_hours'), [29, 0]);
  assert.deepEqual(await rollupAgesLeft('key_feature_hours'), AGES);
  // A second pass finds nothing more to drop.
  assert.deepEqual(
    await dropExpiredPartitions(ch, retention({ DG_RETENTION_USAGE_EVENTS_DAYS: '30' }), silentLogger, NOW),
    [],
  );
});

test('key_features at 1 day keeps only today; each table follows its own setting', async () => {
  const dropped = await dropExpiredPartitions(
    ch,
    retention({ DG_RETENTION_USAGE_EVENTS_DAYS: '30', DG_RETENTION_KEY_FEATURES_DAYS: '1' }),
    silentLogger,
    NOW,
  );
  assert.deepEqual(
    dropped.map((d) => d.table),
    ['key_features', 'key_features', 'key_features'],
  );
  assert.deepEqual(await agesLeft('key_features'), [0]);
  assert.deepEqual(await agesLeft('usage_events'), [29, 0]);
  assert.deepEqual(await rollupAgesLeft('key_feature_hours'), [0]);
});
