import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { MIGRATIONS_DIR, migrate } from '../../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
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
