import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSegmentOf } from '../../../services/training/clickhouse-reference.ts';
import type { LabelledSnapshot } from '../../../services/training/snapshot-dataset.ts';
import type { AlertHistory } from '../../../services/training/stored-alerts.ts';
import {
  assertEnoughLabels,
  KeySample,
  labelStoredRow,
  modelFeatureMapper,
  splitStoredRows,
} from '../../../services/training/stored-rows.ts';
import { DAY_MS, dayChunks, parseWindow } from '../../../services/training/time-window.ts';

const T = Date.UTC(2026, 10, 1);

function history(): AlertHistory {
  return {
    verdicts: new Map([
      ['tp', [{ label: 'true_positive', raisedAtMs: T + 100, category: 'low_and_slow' }]],
      ['fp', [{ label: 'false_positive', raisedAtMs: T + 100, category: 'bulk_distillation' }]],
      [
        'fp_then_tp',
        [
          { label: 'false_positive', raisedAtMs: T + 100, category: 'bulk_distillation' },
          { label: 'true_positive', raisedAtMs: T + 500, category: 'anomaly' },
        ],
      ],
    ]),
    alerted: new Set(['tp', 'fp', 'fp_then_tp', 'open']),
    open: new Set(['open']),
  };
}

const row = (apiKeyId: string, ts: number, label: 0 | 1 = 0): LabelledSnapshot => ({
  apiKeyId,
  ts,
  values: [1],
  label,
  archetype: label ? 'true_positive' : 'never_alerted',
  variant: 0,
  seed: 0,
  analyst: false,
});

test('features are mapped by name; rows missing one, or with mismatched lengths, are refused', () => {
  const map = modelFeatureMapper(['b', 'a']);
  assert.deepEqual(map(['a', 'x', 'b'], [1, 2, 3]), [3, 1]);
  assert.deepEqual(map(['b', 'a'], [5, 6]), [5, 6]);
  assert.equal(map(['a', 'x'], [1, 2]), null);
  assert.equal(map(['a', 'b'], [1]), null);
});

test('a true positive labels 1 from its alert on; negative verdicts cover the whole history until one', () => {
  const h = history();
  assert.deepEqual(labelStoredRow(h, 'tp', T + 50), { skip: 'before_true_positive' });
  assert.deepEqual(labelStoredRow(h, 'tp', T + 100), { label: 1, archetype: 'low_and_slow', neverAlerted: false });
  assert.deepEqual(labelStoredRow(h, 'fp', T), { label: 0, archetype: 'false_positive', neverAlerted: false });
  assert.equal((labelStoredRow(h, 'fp_then_tp', T + 400) as { label: number }).label, 0);
  assert.deepEqual(labelStoredRow(h, 'fp_then_tp', T + 500), {
    label: 1,
    archetype: 'true_positive',
    neverAlerted: false,
  });
  assert.deepEqual(labelStoredRow(h, 'open', T), { skip: 'unresolved_alert' });
  assert.deepEqual(labelStoredRow(h, 'quiet', T), { label: 0, archetype: 'never_alerted', neverAlerted: true });
});

test('the key sample keeps whole keys, stays within budget and does not depend on arrival order', () => {
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  const rows = keys.flatMap((k) => [row(k, T), row(k, T + 1), row(k, T + 2)]);
  const forward = new KeySample(40);
  const backward = new KeySample(40);
  for (const r of rows) forward.add(r);
  for (const r of [...rows].reverse()) backward.add(r);
  const a = forward.take(30);
  const b = backward.take(30);
  assert.ok(a.length <= 30 && a.length >= 27, `${a.length} rows`);
  assert.deepEqual(new Set(a.map((r) => r.apiKeyId)), new Set(b.map((r) => r.apiKeyId)));
  for (const key of new Set(a.map((r) => r.apiKeyId))) assert.equal(a.filter((r) => r.apiKeyId === key).length, 3);
  assert.equal(forward.droppedRows, rows.length - a.length);
});

test('the split is by time and validation is stratified by class', () => {
  const rows = [
    ...['p1', 'p2', 'p3', 'p4', 'p5'].flatMap((k) => [row(k, T, 1), row(k, T + 2 * DAY_MS, 1)]),
    ...Array.from({ length: 10 }, (_, i) => [row(`n${i}`, T), row(`n${i}`, T + 2 * DAY_MS)]).flat(),
  ];
  const splits = splitStoredRows(rows, T + DAY_MS, 0.2);
  assert.equal(splits.heldOut.length, 15);
  assert.ok(splits.heldOut.every((r) => r.ts >= T + DAY_MS));
  assert.equal(new Set(splits.validation.filter((r) => r.label === 1).map((r) => r.apiKeyId)).size, 1);
  assert.equal(new Set(splits.validation.filter((r) => r.label === 0).map((r) => r.apiKeyId)).size, 2);
  assert.equal(splits.train.length + splits.validation.length, 15);
  assertEnoughLabels(splits, { positiveKeys: 3, negativeKeys: 3 }, 1);
  assert.throws(
    () => assertEnoughLabels(splits, { positiveKeys: 6, negativeKeys: 3 }, 1),
    /training period needs ≥ 6 keys with a true-positive verdict.*training period: 5 attack key/,
  );
  const noHeldOutAttack = splitStoredRows(
    rows.filter((r) => r.label === 0 || r.ts < T + DAY_MS),
    T + DAY_MS,
    0.2,
  );
  assert.throws(
    () => assertEnoughLabels(noHeldOutAttack, { positiveKeys: 3, negativeKeys: 3 }, 1),
    /held-out last 1 day\(s\) need ≥ 1 key with a true-positive verdict/,
  );
});

test('windows: dates are UTC midnights, --to defaults to today, chunks end at midnights', () => {
  const now = T + 5 * DAY_MS + 3_600_000;
  assert.deepEqual(parseWindow({}, 14, now), { fromMs: T - 9 * DAY_MS, toMs: T + 5 * DAY_MS });
  assert.deepEqual(parseWindow({ from: '2026-11-01', to: '2026-11-02T12:00:00Z' }, 14, now), {
    fromMs: T,
    toMs: T + 1.5 * DAY_MS,
  });
  assert.throws(() => parseWindow({ from: '2026-11-03', to: '2026-11-02' }, 14, now), /--from must be before --to/);
  assert.throws(() => parseWindow({ from: 'yesterday' }, 14, now), /--from "yesterday" is not a date/);
  const chunks = dayChunks({ fromMs: T + 3_600_000, toMs: T + 2 * DAY_MS });
  assert.deepEqual(chunks, [
    { fromMs: T + 3_600_000, toMs: T + DAY_MS },
    { fromMs: T + DAY_MS, toMs: T + 2 * DAY_MS },
  ]);
});

test('benign reference segments leave out true positives and keys in unresolved alerts', () => {
  const segmentOf = benignSegmentOf(history());
  assert.equal(segmentOf('tp'), null);
  assert.equal(segmentOf('fp_then_tp'), null);
  assert.equal(segmentOf('open'), null);
  assert.equal(segmentOf('fp'), 'false_positive');
  assert.equal(segmentOf('quiet'), 'never_alerted');
});
