import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { labelsByKey, labelValue, parseAnalystLabels, verdictAt } from '../../../services/training/analyst-labels.ts';

const GOOD = [
  '{"api_key_id":"key_a","label":"true_positive","ts":"2026-02-01T10:00:00Z"}',
  '',
  '{"api_key_id":"key_b","label":"benign_heavy_user"}',
  '{"api_key_id":"key_a","label":"false_positive","ts":1769954400000}',
].join('\n');

test('valid rows parse, blank lines are skipped, ts becomes epoch ms', () => {
  const labels = parseAnalystLabels(GOOD, 'labels.jsonl');
  assert.equal(labels.length, 3);
  assert.deepEqual(labels[0], { api_key_id: 'key_a', label: 'true_positive', ts: Date.parse('2026-02-01T10:00:00Z') });
  assert.equal(labels[1]!.ts, undefined);
});

test('bad rows fail the file, each reported with its line number and field', () => {
  const text = [
    '{"api_key_id":"key_a","label":"true_positive"}',
    'not json',
    '{"api_key_id":"key_c","label":"maybe"}',
    '{"label":"false_positive"}',
    '{"api_key_id":"key_d","label":"true_positive","ts":1700}',
  ].join('\n');
  assert.throws(
    () => parseAnalystLabels(text, 'L.jsonl'),
    (error: unknown) => {
      assert.ok(error instanceof DistillGuardError);
      assert.equal(error.code, 'DG_ERR_BAD_INPUT');
      assert.match(error.message, /4 bad label row\(s\)/);
      assert.match(error.message, /L\.jsonl:2: not a JSON object/);
      assert.match(error.message, /L\.jsonl:3: label: /);
      assert.match(error.message, /L\.jsonl:4: api_key_id: /);
      assert.match(error.message, /L\.jsonl:5: ts: /);
      assert.doesNotMatch(error.message, /L\.jsonl:1:/);
      return true;
    },
  );
});

test('the verdict in force is the latest label at or before the snapshot time', () => {
  const byKey = labelsByKey(parseAnalystLabels(GOOD, 'labels.jsonl'));
  const keyA = byKey.get('key_a')!;
  const tp = Date.parse('2026-02-01T10:00:00Z');
  assert.equal(verdictAt(keyA, tp - 1), undefined);
  assert.equal(verdictAt(keyA, tp)?.label, 'true_positive');
  assert.equal(verdictAt(keyA, 1769954400000 + 5)?.label, 'false_positive');
  assert.equal(verdictAt(byKey.get('key_b')!, 0)?.label, 'benign_heavy_user');
  assert.deepEqual(
    ['true_positive', 'false_positive', 'benign_heavy_user'].map((l) => labelValue(l as never)),
    [1, 0, 0],
  );
});
