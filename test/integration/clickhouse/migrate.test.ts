import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { loadMigrations, MIGRATIONS_DIR, migrate } from '../../../services/common/clickhouse/migrations.ts';
import { ident, joinSql, sql, trusted } from '../../../services/common/clickhouse/sql.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { testConfig } from '../../helpers/infra.ts';

test('migrations apply once, are recorded, and a second run is a no-op', async () => {
  const ch = createClickHouse(testConfig().clickhouse);
  try {
    const first = await migrate(ch, silentLogger);
    assert.ok(first.length >= 1);
    assert.deepEqual(await migrate(ch, silentLogger), []);
    const db = ident(ch.database);
    const tables = await ch.query(
      sql`SELECT name FROM system.tables WHERE database = ${ch.database}`,
      z.object({ name: z.string() }),
    );
    for (const t of ['usage_events', 'key_features', 'alerts', 'alert_events', 'key_actions', 'schema_migrations']) {
      assert.ok(
        tables.some((r) => r.name === t),
        `table ${t}`,
      );
    }
    const recorded = await ch.queryRaw(sql`SELECT version FROM ${db}.schema_migrations FINAL ORDER BY version`);
    assert.deepEqual(
      recorded.map((r) => Number(r.version)),
      first,
    );
  } finally {
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
    await ch.close();
  }
});

test('a migration edited after it was applied is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const ch = createClickHouse(testConfig().clickhouse);
  try {
    await migrate(ch, silentLogger, dir);
    writeFileSync(
      join(dir, '0001_core_tables.sql'),
      '-- edited\nCREATE TABLE IF NOT EXISTS {db}.x (a String) ENGINE = Memory;\n',
    );
    await assert.rejects(
      migrate(ch, silentLogger, dir),
      (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_MIGRATION',
    );
  } finally {
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
    await ch.close();
  }
});

const describeRow = z.object({ name: z.string(), type: z.string() });

/** The columns of each per-feature state, merged over all rows: `[avgIfMerge(avg_a), …] AS avg` and so on. */
function mergedStates(features: readonly string[]) {
  const states = { avg: 'avgIfMerge', max: 'maxIfMerge', p90: 'quantileIfMerge(0.9)' };
  return joinSql(
    Object.entries(states).map(([prefix, merge]) => {
      const merged = features.map((f) => sql`${trusted(merge)}(${ident(`${prefix}_${f}`)})`);
      return sql`[${joinSql(merged, ', ')}] AS ${ident(prefix)}`;
    }),
    ', ',
  );
}

test('the last migration applies on a database at the one before; the feature-hours view then has the table’s columns and fills each feature’s own', async () => {
  const migrations = loadMigrations();
  const last = migrations.at(-1)!;
  const dir = mkdtempSync(join(tmpdir(), 'dg-migrations-'));
  const lastFile = `${String(last.version).padStart(4, '0')}_${last.name}.sql`;
  cpSync(MIGRATIONS_DIR, dir, { recursive: true, filter: (src) => !src.endsWith(lastFile) });
  const ch = createClickHouse(testConfig().clickhouse);
  const db = ident(ch.database);
  try {
    await migrate(ch, silentLogger, dir);
    assert.deepEqual(await migrate(ch, silentLogger), [last.version]);
    const describe = (table: string) => ch.query(sql`DESCRIBE TABLE ${db}.${ident(table)}`, describeRow);
    const table = (await describe('key_feature_hours')).map((c) => `${c.name} ${c.type}`);
    assert.deepEqual(
      (await describe('key_feature_hours_mv')).map((c) => `${c.name} ${c.type}`),
      table,
    );
    const features = [...last.rollupFeatures.keys()];
    // the fixed columns end with max_score; three per feature follow, in the order the migrations added them
    const perFeature = table
      .slice(table.indexOf('max_score AggregateFunction(max, Float64)') + 1)
      .map((c) => c.split(' ')[0]);
    assert.deepEqual(
      perFeature,
      features.flatMap((f) => [`avg_${f}`, `max_${f}`, `p90_${f}`]),
    );
    const values = features.map((_, i) => i + 1);
    await ch.insert('key_features', [
      {
        api_key_id: 'k',
        org_id: 'o',
        model: 'm',
        ts: 1_800_000_000,
        ts_ms: 1_800_000_000_000,
        feature_names: features,
        feature_values: values,
        score: 0.5,
      },
    ]);
    const rows = await ch.query(
      sql`SELECT ${mergedStates(features)} FROM ${db}.key_feature_hours`,
      z.object({ avg: z.array(z.number()), max: z.array(z.number()), p90: z.array(z.number()) }),
    );
    assert.deepEqual(rows, [{ avg: values, max: values, p90: values }]);
  } finally {
    await ch.command(sql`DROP DATABASE IF EXISTS ${db}`);
    await ch.close();
    rmSync(dir, { recursive: true });
  }
});
