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

/** Why the rollup's features (each with the migration that added it) differ from FEATURE_NAMES, or undefined. */
function rollupMismatch(rollup: ReadonlyMap<string, string>, featureNames: readonly string[]): string | undefined {
  const inRollup = [...rollup.keys()];
  const at = inRollup.findIndex((f, i) => f !== featureNames[i]);
  if (at >= 0)
    return `${rollup.get(inRollup[at]!)} gives rollup columns to ${inRollup[at]} at position ${at}, where FEATURE_NAMES has ${featureNames[at] ?? 'nothing'} (an unknown feature, or one out of order)`;
  const missing = featureNames.slice(inRollup.length);
  if (missing.length)
    return `FEATURE_NAMES has ${missing.join(', ')} without rollup columns: add a migration holding \`@append_rollup_features ${missing.join(', ')};\` (infra/clickhouse/migrations/README.md)`;
  return undefined;
}

test('the hourly feature rollup (0008) has columns and view states for every feature, in FEATURE_NAMES order', () => {
  const rollup = loadMigrations().at(-1)!.rollupFeatures;
  assert.equal(rollupMismatch(rollup, FEATURE_NAMES), undefined);
});

test('a rollup feature FEATURE_NAMES lacks, or a feature without rollup columns, is named with its fix', () => {
  const rollup = new Map([
    ['a', '0008_x.sql'],
    ['b', '0012_y.sql'],
  ]);
  assert.equal(rollupMismatch(rollup, ['a', 'b']), undefined);
  assert.match(
    rollupMismatch(rollup, ['a']) ?? '',
    /^0012_y\.sql gives rollup columns to b at position 1, where FEATURE_NAMES has nothing \(an unknown feature/,
  );
  assert.match(
    rollupMismatch(rollup, ['a', 'c', 'b']) ?? '',
    /0012_y\.sql gives rollup columns to b at position 1, where FEATURE_NAMES has c/,
  );
  assert.match(
    rollupMismatch(rollup, ['a', 'b', 'c', 'd']) ?? '',
    /FEATURE_NAMES has c, d without rollup columns: add a migration holding `@append_rollup_features c, d;`/,
  );
});
