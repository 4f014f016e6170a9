import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterPolicyEvidence } from '../../../services/cases/case-policy.ts';

const MEDIUM = 1;
const HIGH = 2;
const CRITICAL = 3;
const members = (...ranks: Array<[number, number]>) => ranks.map(([rank, score]) => ({ rank, score }));

describe('the severity the policy sees for a cluster case', () => {
  const cluster = { rank: MEDIUM, score: 0.76 };

  it('one extraction key linked into a group of other keys does not raise the group', () => {
    assert.deepEqual(clusterPolicyEvidence(cluster, members([CRITICAL, 0.94], [MEDIUM, 0.7]), 15), cluster);
  });

  it('enough members with their own alerts raise it: at least 3 and a quarter of the members', () => {
    const three = members([HIGH, 0.9], [HIGH, 0.85], [HIGH, 0.8]);
    assert.deepEqual(clusterPolicyEvidence(cluster, three, 15), cluster, '3 of 15 is under a quarter');
    assert.deepEqual(clusterPolicyEvidence(cluster, [...three, ...members([CRITICAL, 0.95])], 15), {
      rank: HIGH,
      score: 0.8,
    });
    assert.deepEqual(clusterPolicyEvidence(cluster, members([CRITICAL, 0.95], [CRITICAL, 0.93], [CRITICAL, 0.91]), 6), {
      rank: CRITICAL,
      score: 0.91,
    });
  });

  it('never lowers what the cluster alerts say', () => {
    const high = { rank: HIGH, score: 0.88 };
    assert.deepEqual(clusterPolicyEvidence(high, members([MEDIUM, 0.7], [MEDIUM, 0.7], [MEDIUM, 0.7]), 3), high);
  });
});
