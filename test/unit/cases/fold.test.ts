import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CaseRecord, caseIdFor, type FoldAlert } from '../../../services/cases/case-schema.ts';
import { foldAlert, nextVersion } from '../../../services/cases/fold.ts';

const NOW = 1_000_000;

function alert(id: string, keys: string[], raisedMs = 0): FoldAlert {
  return {
    alert_id: id,
    kind: keys.length > 1 ? 'cluster' : 'key',
    api_key_ids: keys,
    org_ids: ['org'],
    score: 0.9,
    severity: 'high',
    category: 'bulk_distillation',
    raised_at_ms: raisedMs,
    suppressed: 0,
  };
}

function fold(alerts: FoldAlert[]) {
  const open = new Map<string, CaseRecord>();
  const steps = alerts.map((a) => foldAlert(open, a, NOW));
  return { open, steps };
}

test('a case is named after the alert that opened it; later alerts of the key join it', () => {
  const { open, steps } = fold([alert('a1', ['k']), alert('a2', ['k']), alert('b1', ['j'])]);
  assert.deepEqual(
    steps.map((s) => s.caseId),
    [caseIdFor('a1'), caseIdFor('a1'), caseIdFor('b1')],
  );
  assert.deepEqual(
    steps.map((s) => s.upserts.length),
    [1, 0, 1],
    'joining writes no case row',
  );
  assert.equal(open.size, 2);
});

test('a cluster absorbs its members’ key cases, grows, and takes their later alerts', () => {
  const { open, steps } = fold([
    alert('m1', ['k1']),
    alert('c1', ['k1', 'k2']),
    alert('m2', ['k2']),
    alert('c2', ['k2', 'k3']),
  ]);
  const cluster = caseIdFor('c1');
  assert.deepEqual(steps[1]!.merged, [{ from: caseIdFor('m1'), into: cluster }]);
  assert.equal(open.get(caseIdFor('m1'))!.status, 'merged');
  assert.equal(steps[2]!.caseId, cluster);
  assert.equal(steps[3]!.caseId, cluster);
  assert.deepEqual(open.get(cluster)!.api_key_ids, ['k1', 'k2', 'k3']);
});

test('a cluster alert joins the open cluster sharing most members; ties go to the oldest', () => {
  const { steps } = fold([
    alert('c1', ['a', 'b'], 10),
    alert('c2', ['x', 'y', 'z'], 5),
    alert('c3', ['a', 'x', 'y'], 20),
    alert('c4', ['b', 'z'], 30),
  ]);
  assert.equal(steps[2]!.caseId, caseIdFor('c2'), 'two shared members beat one');
  assert.equal(steps[3]!.caseId, caseIdFor('c2'), 'one each: c2 opened first');
});

test('a resolved case takes no more evidence; versions only grow', () => {
  const open = new Map<string, CaseRecord>();
  const first = foldAlert(open, alert('a1', ['k']), NOW);
  open.set(first.caseId, { ...open.get(first.caseId)!, status: 'resolved' });
  assert.equal(foldAlert(open, alert('a2', ['k']), NOW).caseId, caseIdFor('a2'));
  assert.equal(nextVersion(5, 3), 6);
  assert.equal(nextVersion(5, 9), 9);
});
