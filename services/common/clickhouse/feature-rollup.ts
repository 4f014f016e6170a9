import { errors } from '../errors.ts';

/**
 * The per-feature part of the key_feature_hours rollup (migration 0008), written from a feature list. A migration
 * that appends features to the rollup holds one line, `@append_rollup_features name_a, name_b;`, which becomes the
 * ALTER TABLE adding their columns, then the view dropped and created over every feature the rollup has. 0008 and
 * 0011 were written by hand and stay as applied (the runner checksums each file); 0011's text is exactly what this
 * file writes for its features, which a unit test checks, so this output must never change: a migration's meaning
 * depends only on its own file and the migrations before it, never on FEATURE_NAMES.
 */

const DIRECTIVE = /^@append_rollup_features\s+([\s\S]+)$/;
/** Names are embedded in SQL quotes and column names: lower-case letters, digits and underscores only. */
const FEATURE_NAME = /^[a-z][a-z0-9_]*$/;
const USAGE = 'the one directive is `@append_rollup_features feature_a, feature_b;`';

/** The states kept per feature: column prefix, state function, and the function named in the column type. */
const STATES = [
  { prefix: 'avg', state: 'avgIfState', type: 'avgIf' },
  { prefix: 'max', state: 'maxIfState', type: 'maxIf' },
  { prefix: 'p90', state: 'quantileIfState(0.9)', type: 'quantileIf(0.9)' },
] as const;

/** Features with rollup columns, in column order, each mapped to the migration file that added its columns. */
export type RollupFeatures = ReadonlyMap<string, string>;

function addColumns(features: readonly string[]): string {
  const columns = features.flatMap((f) =>
    STATES.map((s) => `  ADD COLUMN ${s.prefix}_${f} AggregateFunction(${s.type}, Float64, UInt8)`),
  );
  return `ALTER TABLE {db}.key_feature_hours\n${columns.join(',\n')}`;
}

function createView(features: readonly string[]): string {
  const states = features.flatMap((f) => {
    const value = `feature_values[indexOf(feature_names, '${f}')], indexOf(feature_names, '${f}') > 0`;
    return STATES.map((s) => `  ${s.state}(${value}) AS ${s.prefix}_${f}`);
  });
  return [
    'CREATE MATERIALIZED VIEW {db}.key_feature_hours_mv TO {db}.key_feature_hours AS',
    'SELECT api_key_id, toDateTime(intDiv(toUInt32(ts), 3600) * 3600) AS hour, org_id, countState() AS inserted_rows, uniqExactState(ts_ms) AS snapshots,',
    '  minState(toUInt64(length(feature_names))) AS fewest_features, maxState(score) AS max_score,',
    states.join(',\n'),
    'FROM {db}.key_features',
    'GROUP BY api_key_id, hour, org_id',
  ].join('\n');
}

/** The statements that append `added` to a rollup over `before`: their columns, then the view over all of them. */
export function appendRollupStatements(before: readonly string[], added: readonly string[]): string[] {
  return [addColumns(added), 'DROP TABLE IF EXISTS {db}.key_feature_hours_mv', createView([...before, ...added])];
}

/** The features a directive names, or undefined for a statement that is not a directive. */
function parseDirective(statement: string, file: string): string[] | undefined {
  if (!statement.startsWith('@')) return undefined;
  const names = DIRECTIVE.exec(statement)?.[1]
    ?.split(',')
    .map((n) => n.trim());
  if (!names) throw errors.migration(`${file}: unknown directive ${JSON.stringify(statement.slice(0, 60))}; ${USAGE}`);
  for (const [i, name] of names.entries()) {
    if (!FEATURE_NAME.test(name))
      throw errors.migration(`${file}: ${JSON.stringify(name)} is not a feature name (a-z, 0-9, _); ${USAGE}`);
    if (names.indexOf(name) !== i) throw errors.migration(`${file}: ${name} is named twice`);
  }
  return names;
}

/** Features whose columns a hand-written statement gives key_feature_hours (0008's CREATE TABLE, 0011's ALTER). */
function featuresCreatedBy(statement: string): string[] {
  if (!/^(?:CREATE TABLE IF NOT EXISTS|ALTER TABLE) \{db\}\.key_feature_hours\s/.test(statement)) return [];
  return [...statement.matchAll(/\bavg_([a-z0-9_]+) AggregateFunction\(avgIf,/g)].map((m) => m[1]!);
}

/** One migration's statements with its directives written out, and the rollup's features after it. */
export function expandRollupDirectives(
  statements: readonly string[],
  before: RollupFeatures,
  file: string,
): { statements: string[]; features: RollupFeatures } {
  const features = new Map(before);
  const expanded = statements.flatMap((statement) => {
    const added = parseDirective(statement, file);
    const existing = [...features.keys()];
    for (const name of added ?? featuresCreatedBy(statement)) {
      const by = features.get(name);
      if (by !== undefined) throw errors.migration(`${file}: ${name} already has rollup columns (from ${by})`);
      features.set(name, file);
    }
    return added ? appendRollupStatements(existing, added) : [statement];
  });
  return { statements: expanded, features };
}
