import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMigrations, splitStatements } from '../../../services/common/clickhouse/migrations.ts';
import { FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';

test('statements split on a trailing semicolon; comment lines dropped', () => {
  const parts = splitStatements('-- note; with semicolon\nCREATE TABLE a (x String);\n\nCREATE TABLE b (y String);\n');
  assert.deepEqual(parts, ['CREATE TABLE a (x String)', 'CREATE TABLE b (y String)']);
});

test('shipped migrations have unique increasing versions and avoid syntax ClickHouse 18.16 lacks', () => {
  const migrations = loadMigrations();
  const versions = migrations.map((m) => m.version);
  assert.deepEqual(
    versions,
    [...new Set(versions)].sort((a, b) => a - b),
    'unique and in order',
  );
  const text = migrations.flatMap((m) => m.statements).join('\n');
  for (const banned of [/\bTTL\b/, /LowCardinality/, /DateTime64/, /\{[a-z_]+:[A-Za-z0-9]+\}/]) {
    assert.doesNotMatch(text, banned);
  }
  for (const table of ['usage_events', 'key_features', 'alerts', 'alert_events', 'key_actions']) {
    assert.match(text, new RegExp(`CREATE TABLE IF NOT EXISTS \\{db\\}\\.${table} `));
  }
});

test('the hourly feature rollup (0008) has avg, max and p90 states for every feature, in FEATURE_NAMES order', () => {
  const text = loadMigrations()
    .flatMap((m) => m.statements)
    .join('\n');
  const table = /CREATE TABLE IF NOT EXISTS \{db\}\.key_feature_hours \(([\s\S]*?)\) ENGINE/.exec(text)?.[1] ?? '';
  // columns of features appended later come from ALTER TABLE … ADD COLUMN in later migrations, in migration order
  const added = loadMigrations()
    .flatMap((m) => m.statements)
    .filter((st) => st.startsWith('ALTER TABLE {db}.key_feature_hours'))
    .join('\n');
  const columns = [
    ...`${table}\n${added}`.matchAll(
      /^\s*(?:ADD COLUMN )?(avg|max|p90)_([a-z0-9_]+) AggregateFunction\((?:avgIf|maxIf|quantileIf)/gm,
    ),
  ].map((m) => `${m[1]}_${m[2]}`);
  assert.deepEqual(
    columns,
    FEATURE_NAMES.flatMap((f) => [`avg_${f}`, `max_${f}`, `p90_${f}`]),
    'a feature appended to FEATURE_NAMES needs a migration adding its rollup columns and view (0011 is one)',
  );
});
