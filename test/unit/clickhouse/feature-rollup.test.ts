import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendRollupStatements, expandRollupDirectives } from '../../../services/common/clickhouse/feature-rollup.ts';
import { loadMigrations } from '../../../services/common/clickhouse/migrations.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';

const state = (prefix: string, fn: string, f: string) =>
  `  ${fn}(feature_values[indexOf(feature_names, '${f}')], indexOf(feature_names, '${f}') > 0) AS ${prefix}_${f}`;

test('appending b to a rollup over a: b’s three columns, then the view over a and b', () => {
  assert.deepEqual(appendRollupStatements(['a'], ['b']), [
    [
      'ALTER TABLE {db}.key_feature_hours',
      '  ADD COLUMN avg_b AggregateFunction(avgIf, Float64, UInt8),',
      '  ADD COLUMN max_b AggregateFunction(maxIf, Float64, UInt8),',
      '  ADD COLUMN p90_b AggregateFunction(quantileIf(0.9), Float64, UInt8)',
    ].join('\n'),
    'DROP TABLE IF EXISTS {db}.key_feature_hours_mv',
    [
      'CREATE MATERIALIZED VIEW {db}.key_feature_hours_mv TO {db}.key_feature_hours AS',
      'SELECT api_key_id, toDateTime(intDiv(toUInt32(ts), 3600) * 3600) AS hour, org_id, countState() AS inserted_rows, uniqExactState(ts_ms) AS snapshots,',
      '  minState(toUInt64(length(feature_names))) AS fewest_features, maxState(score) AS max_score,',
      `${state('avg', 'avgIfState', 'a')},`,
      `${state('max', 'maxIfState', 'a')},`,
      `${state('p90', 'quantileIfState(0.9)', 'a')},`,
      `${state('avg', 'avgIfState', 'b')},`,
      `${state('max', 'maxIfState', 'b')},`,
      state('p90', 'quantileIfState(0.9)', 'b'),
      'FROM {db}.key_features',
      'GROUP BY api_key_id, hour, org_id',
    ].join('\n'),
  ]);
});

test('the generator writes exactly the statements 0011 wrote by hand for its two features', () => {
  const migrations = loadMigrations();
  const m8 = migrations.find((m) => m.version === 8)!;
  const m11 = migrations.find((m) => m.version === 11)!;
  const added = [...m11.rollupFeatures.keys()].slice(m8.rollupFeatures.size);
  assert.deepEqual(added, ['harvest_instruction_share', 'harvest_instructions_recent']);
  assert.deepEqual(m11.statements, appendRollupStatements([...m8.rollupFeatures.keys()], added));
});

test('a directive is written out after the statements before it, and the rollup features follow', () => {
  const before = new Map([['a', '0008_x.sql']]);
  const { statements, features } = expandRollupDirectives(
    ['CREATE TABLE {db}.t (x String)', '@append_rollup_features b, c', '@append_rollup_features  d'],
    before,
    '0099_y.sql',
  );
  assert.deepEqual(statements, [
    'CREATE TABLE {db}.t (x String)',
    ...appendRollupStatements(['a'], ['b', 'c']),
    ...appendRollupStatements(['a', 'b', 'c'], ['d']),
  ]);
  assert.deepEqual(
    [...features],
    [
      ['a', '0008_x.sql'],
      ['b', '0099_y.sql'],
      ['c', '0099_y.sql'],
      ['d', '0099_y.sql'],
    ],
  );
  assert.deepEqual([...before.keys()], ['a'], 'the features before are left as they were');
});

test('hand-written key_feature_hours columns count as rollup features; other tables do not', () => {
  const { features } = expandRollupDirectives(
    [
      'CREATE TABLE IF NOT EXISTS {db}.key_feature_hours (\n  avg_a AggregateFunction(avgIf, Float64, UInt8)\n)',
      'ALTER TABLE {db}.key_feature_hours\n  ADD COLUMN avg_b AggregateFunction(avgIf, Float64, UInt8)',
      'ALTER TABLE {db}.other\n  ADD COLUMN avg_c AggregateFunction(avgIf, Float64, UInt8)',
    ],
    new Map(),
    '0008_x.sql',
  );
  assert.deepEqual([...features.keys()], ['a', 'b']);
});

for (const [what, statement, message] of [
  ['a misspelt directive', '@append_rollup_feature b', /0099_y\.sql: unknown directive "@append_rollup_feature b"/],
  ['a directive naming nothing', '@append_rollup_features', /unknown directive/],
  ['a name that is not a feature name', '@append_rollup_features prompt-shift', /"prompt-shift" is not a feature/],
  ['an empty name', '@append_rollup_features b,', /"" is not a feature name/],
  ['a feature named twice', '@append_rollup_features b, b', /0099_y\.sql: b is named twice/],
  ['a feature the rollup has', '@append_rollup_features a', /0099_y\.sql: a already has rollup columns \(from 0008/],
] as const) {
  test(`${what} is refused with DG_ERR_MIGRATION naming the file`, () => {
    assert.throws(
      () => expandRollupDirectives([statement], new Map([['a', '0008_x.sql']]), '0099_y.sql'),
      (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_MIGRATION' && message.test(e.message),
    );
  });
}
