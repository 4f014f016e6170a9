import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run as calibrate } from '../../../services/cli/commands/calibrate.ts';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { loadMigrations, MIGRATIONS_DIR, migrate } from '../../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { readStoredReference } from '../../../services/training/clickhouse-reference.ts';
import { testConfig, uniqueName } from '../../helpers/infra.ts';
import { alertRow, DAY, featureRow, HOUR, T0 } from '../training/stored-traffic.ts';

const config = testConfig();
let ch: ClickHouse;
const WINDOW = { fromMs: T0, toMs: T0 + 3 * DAY };
const NEVER_KEYS = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Rows of one key on one day, one an hour from 09:00 UTC, with these evidence scores. */
const dayRows = (key: string, day: number, evidence: number[]) =>
  evidence.map((e, i) =>
    featureRow({ key, ts: T0 + day * DAY + (9 + i) * HOUR, score: Math.min(1, e + 0.05), evidence: e }),
  );

/** The migrations before 0006, so rows can be stored the way a detector wrote them before the evidence column. */
async function migrationsBefore(version: number): Promise<string> {
  const dir = join(tmpdir(), uniqueName('dg-migrations'));
  await mkdir(dir);
  const files = loadMigrations().filter((m) => m.version < version);
  for (const m of files) {
    const name = `${String(m.version).padStart(4, '0')}_${m.name}.sql`;
    await copyFile(join(MIGRATIONS_DIR, name), join(dir, name));
  }
  return dir;
}

before(async () => {
  ch = createClickHouse(config.clickhouse);
  await migrate(ch, silentLogger, await migrationsBefore(6));
  const old = [0, 1].flatMap((day) => [
    featureRow({ key: 'old_b', ts: T0 + day * DAY + 9 * HOUR, score: 0.3 }),
    featureRow({ key: 'old_b', ts: T0 + day * DAY + 10 * HOUR, score: 0.25 }),
  ]);
  await ch.insert('key_features', old);
  await migrate(ch, silentLogger);
  await ch.insert('key_features', [
    ...dayRows('ben_a', 0, [0.1, 0.2, 0.05]),
    ...dayRows('ben_a', 1, [0.5, 0.1]),
    ...dayRows('ben_a', 2, [0.3, 0.95, 0.2]),
    ...dayRows('fp_a', 1, [0.7, 0.4]),
    ...dayRows('tp_a', 0, [0.9]),
    ...dayRows('tp_a', 1, [0.92]),
    ...dayRows('open_a', 2, [0.8]),
    ...NEVER_KEYS.flatMap((key) => dayRows(key, 0, [0.1])),
    // Outside the window: never read.
    ...dayRows('ben_a', 3, [0.99]),
  ]);
  await ch.insert('alerts', [
    alertRow({
      id: 'a_fp',
      keys: ['fp_a'],
      raisedAtMs: T0 + DAY + 9 * HOUR,
      status: 'resolved',
      label: 'false_positive',
    }),
    alertRow({ id: 'a_tp', keys: ['tp_a'], raisedAtMs: T0 + DAY, status: 'resolved', label: 'true_positive' }),
    alertRow({ id: 'a_open', keys: ['open_a'], raisedAtMs: T0 + 2 * DAY + 9 * HOUR, status: 'open' }),
    // Informational: outside the queue, never resolved; the key stays in the reference.
    alertRow({
      id: 'a_info',
      keys: ['n1'],
      raisedAtMs: T0 + 9 * HOUR,
      status: 'open',
      severity: 'low',
      category: 'anomaly',
    }),
  ]);
});

after(async () => {
  await ch?.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`);
  await ch?.close();
});

const bin = (score: number) => Math.floor(score * 200);

test('the reference holds each benign key-day once, at its highest evidence, without true positives or open alerts', async () => {
  const ref = await readStoredReference(ch, WINDOW);
  assert.deepEqual(ref.keyDays, { read: 14, truePositive: 2, unresolved: 1 });
  assert.equal(ref.profile.key_days, 11, 'old_b 2 + ben_a 3 + fp_a 1 + five never-alerted keys');
  assert.deepEqual(ref.profile.segments, { false_positive: 1, never_alerted: 10 });
  const expected = new Array<number>(200).fill(0);
  for (const max of [0.3, 0.3, 0.2, 0.5, 0.95, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1]) expected[bin(max)]!++;
  assert.deepEqual(ref.profile.counts, expected, 'rows stored before 0006 read their score as evidence');
  assert.equal(ref.lastMs, T0 + 2 * DAY + 11 * HOUR);
});

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
  }
}

test('calibrate --from-clickhouse writes a calibration version per scoring profile and records its source', async () => {
  const models = join(tmpdir(), uniqueName('dg-calibration'));
  const args = ['--from-clickhouse', '--from', '2026-11-01', '--to', '2026-11-04', '--out', models];
  const env = {
    DG_CLICKHOUSE_DATABASE: ch.database,
    DG_MODELS_DIR: models,
    DG_AUTOENCODER_VERSION: '3',
    DG_CLASSIFIER_VERSION: '4',
  };
  await assert.rejects(
    withEnv(env, () => calibrate([...args, '--profile', 'ml', '--version', 'c0'])),
    /keeps the rules profile of the calibration in use, and none was found/,
  );
  assert.equal(await withEnv(env, () => calibrate([...args, '--profile', 'rules', '--version', 'c1'])), 0);
  const rules = JSON.parse(await readFile(join(models, 'calibration', 'c1', 'calibration.json'), 'utf8'));
  assert.equal(rules.profiles.rules.key_days, 11);
  assert.equal(rules.profiles.ml, null);
  assert.match(
    rules.datasets[0],
    /^clickhouse:dg_test_\w+\.key_features 2026-11-01T00:00:00\.000Z\.\.2026-11-04.*\(rules profile\)$/,
  );

  assert.equal(await withEnv(env, () => calibrate([...args, '--profile', 'ml', '--version', 'c2'])), 0);
  const ml = JSON.parse(await readFile(join(models, 'calibration', 'c2', 'calibration.json'), 'utf8'));
  assert.deepEqual(ml.profiles.ml, rules.profiles.rules, 'the same stored rows, now as the ml profile');
  assert.deepEqual(ml.profiles.rules, rules.profiles.rules, 'the rules profile carried over from c1');
  assert.deepEqual(ml.models, { autoencoder: 'autoencoder/3', classifier: 'classifier/4' });
  assert.match(ml.datasets[1], /rules profile carried over from .*calibration\/c1$/);
});
