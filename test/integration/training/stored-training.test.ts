import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run as train } from '../../../services/cli/commands/train.ts';
import { FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { MODEL_FEATURES } from '../../../services/detector/features/feature-roles.ts';
import { DEFAULT_SOURCE_OPTIONS, readStoredTraining } from '../../../services/training/clickhouse-source.ts';
import type { LabelledSnapshot } from '../../../services/training/snapshot-dataset.ts';
import { testClickHouse, testConfig, uniqueName } from '../../helpers/infra.ts';
import { alertRow, CONTEXT_MARKER, DAY, dailyRows, featureValue, HOUR, MINUTE, T0 } from './stored-traffic.ts';

const config = testConfig();
let ch: Awaited<ReturnType<typeof testClickHouse>>;

const DAYS = [0, 1, 2, 3, 4];
const TP_KEYS = ['tp_a', 'tp_b', 'tp_c', 'tp_d'];
/** The true-positive alerts are raised on day 1 at 10:30: the three 10-minute windows before it are skipped. */
const TP_RAISED = T0 + DAY + 10 * HOUR + 30 * MINUTE;
const FP_RAISED = T0 + 2 * DAY + 10 * HOUR;
/** Stored by an older detector: features in another order plus one the code no longer has. */
const LEGACY_NAMES = [...[...FEATURE_NAMES].reverse(), 'legacy_feature'];
const NEVER_KEYS = Array.from({ length: 30 }, (_, i) => `never_${String(i).padStart(2, '0')}`);

const sourceOptions = (overrides: Partial<Parameters<typeof readStoredTraining>[1]> = {}) => ({
  ...DEFAULT_SOURCE_OPTIONS,
  window: { fromMs: T0, toMs: T0 + 5 * DAY },
  features: MODEL_FEATURES,
  ...overrides,
});

before(async () => {
  ch = await testClickHouse(config);
  await ch.insert('key_features', [
    ...TP_KEYS.flatMap((key) => dailyRows(key, DAYS, { attack: true })),
    ...dailyRows('fp_a', DAYS),
    ...dailyRows('fp_b', DAYS),
    ...dailyRows('fp_c', DAYS, { names: LEGACY_NAMES }),
    ...dailyRows('bhu_a', DAYS),
    ...dailyRows('open_a', DAYS, { attack: true }),
    ...dailyRows('missing_a', DAYS, { names: FEATURE_NAMES.filter((n) => n !== 'req_per_min') }),
    ...NEVER_KEYS.flatMap((key) => dailyRows(key, DAYS)),
  ]);
  await ch.insert('alerts', [
    alertRow({
      id: 'a_tp1',
      keys: ['tp_a', 'tp_b'],
      raisedAtMs: TP_RAISED,
      status: 'resolved',
      label: 'true_positive',
    }),
    alertRow({
      id: 'a_tp2',
      keys: ['tp_c'],
      raisedAtMs: TP_RAISED,
      status: 'resolved',
      label: 'true_positive',
      category: 'cot_harvesting',
    }),
    alertRow({
      id: 'a_tp3',
      keys: ['tp_d'],
      raisedAtMs: TP_RAISED,
      status: 'resolved',
      label: 'true_positive',
      category: 'reseller_mixed',
    }),
    alertRow({
      id: 'a_fp',
      keys: ['fp_a', 'fp_b', 'fp_c'],
      raisedAtMs: FP_RAISED,
      status: 'resolved',
      label: 'false_positive',
    }),
    alertRow({
      id: 'a_bhu',
      keys: ['bhu_a'],
      raisedAtMs: T0 + 4 * DAY,
      status: 'resolved',
      label: 'benign_heavy_user',
    }),
    alertRow({ id: 'a_open', keys: ['open_a'], raisedAtMs: T0 + DAY, status: 'acknowledged' }),
  ]);
});

after(async () => {
  await ch?.drop();
});

const rowsOf = (rows: readonly LabelledSnapshot[], key: string) => rows.filter((r) => r.apiKeyId === key);

test('labels follow the verdicts by time; unresolved and pre-verdict rows are skipped and counted', async () => {
  const { data, report } = await readStoredTraining(ch, sourceOptions());
  const all = [...data.train, ...data.validation, ...data.heldOut.held_out_time!];
  for (const key of TP_KEYS) {
    const rows = rowsOf(all, key);
    assert.equal(rows.length, 5 * 6 - 9, `${key}: day 0 and the three windows before 10:30 on day 1 are skipped`);
    assert.ok(rows.every((r) => r.label === 1 && r.ts >= TP_RAISED && r.analyst));
  }
  assert.equal(rowsOf(all, 'tp_a')[0]!.archetype, 'bulk_distillation');
  assert.equal(rowsOf(all, 'tp_c')[0]!.archetype, 'cot_harvesting');
  assert.equal(rowsOf(all, 'tp_d')[0]!.archetype, 'reseller', 'the alert category maps to the archetype teaching it');
  for (const key of ['fp_a', 'fp_b', 'fp_c']) {
    const rows = rowsOf(all, key);
    assert.equal(rows.length, 30, 'a dismissed key is benign over its whole history, before its alert too');
    assert.ok(rows.every((r) => r.label === 0 && r.archetype === 'false_positive'));
  }
  assert.ok(rowsOf(all, 'bhu_a').every((r) => r.label === 0 && r.archetype === 'benign_heavy_user'));
  assert.equal(rowsOf(all, 'open_a').length, 0);
  assert.deepEqual(report.skipped, {
    malformed: 0,
    missing_model_feature: 30,
    before_true_positive: 4 * 9,
    unresolved_alert: 30,
  });
  assert.equal(report.rowsRead, (TP_KEYS.length + 6 + NEVER_KEYS.length) * 30);
});

test('rows are thinned to the first per key per 10 minutes and never-alerted keys are capped at half', async () => {
  const { data } = await readStoredTraining(ch, sourceOptions());
  const all = [...data.train, ...data.validation, ...data.heldOut.held_out_time!];
  const windows = new Set(all.map((r) => `${r.apiKeyId}/${Math.floor(r.ts / (10 * MINUTE))}`));
  assert.equal(windows.size, all.length, 'one row per key per window');
  assert.ok(
    all.every((r) => (r.ts - T0) % (10 * MINUTE) === 0),
    'the first row of each window is kept',
  );
  const never = all.filter((r) => r.archetype === 'never_alerted');
  assert.ok(never.length > 0, 'never-alerted keys add negatives');
  assert.ok(never.length <= all.length - never.length, `${never.length} never-alerted rows of ${all.length}`);
  const neverKeys = new Set(never.map((r) => r.apiKeyId));
  assert.ok(
    [...neverKeys].every((key) => rowsOf(never, key).length === 30),
    'sampled by whole keys',
  );
});

test('only MODEL_FEATURES are kept, mapped by name whatever order the stored row used', async () => {
  const { data } = await readStoredTraining(ch, sourceOptions());
  const all = [...data.train, ...data.validation, ...data.heldOut.held_out_time!];
  for (const key of ['fp_a', 'fp_c']) {
    assert.equal(rowsOf(all, key).length, 30);
    for (const row of rowsOf(all, key)) {
      assert.deepEqual(
        row.values,
        MODEL_FEATURES.map((name) => featureValue(name, false, row.ts)),
      );
      assert.ok(!row.values.includes(CONTEXT_MARKER), 'no context feature reaches a model row');
    }
  }
});

test('the split is by time: the last --held-out-days are held out, validation keys are stratified', async () => {
  const { data, report } = await readStoredTraining(ch, sourceOptions({ heldOutDays: 2 }));
  const cutoff = T0 + 3 * DAY;
  assert.ok([...data.train, ...data.validation].every((r) => r.ts < cutoff));
  assert.ok(data.heldOut.held_out_time!.every((r) => r.ts >= cutoff));
  assert.equal(report.splits.held_out_time.positiveKeys, 4);
  assert.equal(report.splits.validation.positiveKeys, 1, 'ceil(20% of 4) attack keys held back for calibration');
  const trainKeys = new Set(data.train.map((r) => r.apiKeyId));
  assert.ok(
    data.validation.every((r) => !trainKeys.has(r.apiKeyId)),
    'validation keys never train',
  );
  assert.match(data.training.generator, /^clickhouse /);
});

test('too few labelled keys is a clear error naming the counts', async () => {
  // Days 0–1 with the last day held out: no true-positive row before the cutoff.
  await assert.rejects(
    readStoredTraining(ch, sourceOptions({ window: { fromMs: T0, toMs: T0 + 2 * DAY }, heldOutDays: 1 })),
    (error: Error & { code?: string }) =>
      error.code === 'DG_ERR_BAD_INPUT' &&
      /too few analyst-labelled keys/.test(error.message) &&
      /training period needs ≥ 3 keys with a true-positive verdict/.test(error.message) &&
      /training period: 0 attack key/.test(error.message),
  );
});

test('distillguard train --from-clickhouse trains both models and reports the held-out days', async () => {
  const out = join(tmpdir(), uniqueName('dg-train-ch'));
  process.env.DG_CLICKHOUSE_DATABASE = ch.database;
  try {
    const code = await train([
      '--from-clickhouse',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-06',
      '--out',
      out,
      '--version',
      'ch1',
    ]);
    assert.equal(code, 0);
  } finally {
    delete process.env.DG_CLICKHOUSE_DATABASE;
  }
  for (const kind of ['autoencoder', 'classifier']) {
    const metadata = JSON.parse(await readFile(join(out, kind, 'ch1', 'metadata.json'), 'utf8'));
    assert.deepEqual(metadata.features, [...MODEL_FEATURES]);
    assert.match(metadata.training.generator, /^clickhouse .*key_features 2026-11-01T00:00:00.000Z\.\.2026-11-06/);
    assert.deepEqual(Object.keys(metadata.metrics), ['validation', 'held_out_time']);
    assert.equal(metadata.metrics.held_out_time.attack_keys, 4);
    assert.ok(Number.isFinite(metadata.metrics.held_out_time.pr_auc));
    assert.ok(Number.isFinite(metadata.metrics.held_out_time.benign_keys_flagged_per_1000));
  }
});
