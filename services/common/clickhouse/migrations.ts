import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { errors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { repoPath } from '../runtime-paths.ts';
import type { ClickHouse } from './client.ts';
import { expandRollupDirectives, type RollupFeatures } from './feature-rollup.ts';
import { ident, SqlQuery, sql } from './sql.ts';

export const MIGRATIONS_DIR = repoPath('infra', 'clickhouse', 'migrations/');
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
  /** Features key_feature_hours has rollup columns for once this migration is applied, in column order. */
  rollupFeatures: RollupFeatures;
}

/** Splits a migration file into statements: `;` at the end of a line ends one; `--` comment lines are dropped. */
export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The migrations in `dir`, in order, with `@append_rollup_features` directives written out (`feature-rollup.ts`).
 * The checksum is of the file as written, so an applied migration with a directive stays accepted.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  let rollupFeatures: RollupFeatures = new Map();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw errors.migration(`file name ${file} must look like 0001_name.sql`);
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const expanded = expandRollupDirectives(splitStatements(text), rollupFeatures, file);
      rollupFeatures = expanded.features;
      return { version: Number(match[1]), name: match[2]!, checksum, statements: expanded.statements, rollupFeatures };
    });
}

const appliedRow = z.object({ version: z.coerce.number(), checksum: z.string() });

/** Applies pending migrations in order, recording each in `schema_migrations`; refuses edited applied ones. */
export async function migrate(ch: ClickHouse, logger: Logger, dir = MIGRATIONS_DIR): Promise<number[]> {
  const db = ident(ch.database);
  await ch.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
  await ch.command(
    sql`CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, checksum String, applied_at DateTime) ENGINE = ReplacingMergeTree() ORDER BY version`,
  );
  const rows = await ch.query(
    sql`SELECT version, any(checksum) AS checksum FROM ${db}.schema_migrations GROUP BY version`,
    appliedRow,
  );
  const applied = new Map(rows.map((r) => [r.version, r.checksum]));
  const done: number[] = [];
  for (const m of loadMigrations(dir)) {
    const known = applied.get(m.version);
    if (known !== undefined) {
      if (known !== m.checksum) throw errors.migration(`${m.version}_${m.name} was edited after it was applied`);
      continue;
    }
    for (const statement of m.statements)
      await ch.command(new SqlQuery(statement.replaceAll('{db}', `\`${db.name}\``)));
    await ch.insert('schema_migrations', [
      { version: m.version, name: m.name, checksum: m.checksum, applied_at: Math.floor(Date.now() / 1000) },
    ]);
    logger.info({ version: m.version, migration: m.name, database: db.name }, 'migration applied');
    done.push(m.version);
  }
  return done;
}
