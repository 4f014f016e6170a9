import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchingSuppression, type Suppression } from '../../../services/alerts-store/suppression-rules.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const rule = (scope: Suppression['scope'], value: string, expiresInMs = 3_600_000): Suppression => ({
  suppression_id: `${scope}:${value}`,
  scope,
  value,
  reason: 'known',
  created_by: 'alice',
  created_at: new Date(NOW - 1000).toISOString(),
  expires_at: new Date(NOW + expiresInMs).toISOString(),
  version: 1,
});
const reason = (feature: string, contribution: number) => ({
  feature,
  value: 1,
  baseline: null,
  percentile: null,
  contribution,
  scorer: 'rule',
});
const keyAlert = {
  api_key_ids: ['k1'],
  org_ids: ['o1'],
  reasons: [reason('req_per_min', 0.3), reason('template_share', 0.7)],
};
const clusterAlert = { api_key_ids: ['k1', 'k2'], org_ids: ['o1', 'o2'], reasons: [reason('req_per_min', 1)] };

test('a key rule suppresses alerts of that key only', () => {
  assert.equal(matchingSuppression(keyAlert, [rule('key', 'k1')], NOW)?.suppression_id, 'key:k1');
  assert.equal(matchingSuppression(keyAlert, [rule('key', 'k9')], NOW), null);
});

test('allowlisting one member never hides a cluster; all members or all orgs must be covered', () => {
  assert.equal(matchingSuppression(clusterAlert, [rule('key', 'k1')], NOW), null);
  assert.equal(matchingSuppression(clusterAlert, [rule('key', 'k1'), rule('key', 'k2')], NOW)?.scope, 'key');
  assert.equal(matchingSuppression(clusterAlert, [rule('org', 'o1')], NOW), null);
  assert.equal(matchingSuppression(clusterAlert, [rule('org', 'o1'), rule('org', 'o2')], NOW)?.scope, 'org');
});

test('a feature rule matches the top-contributing feature only', () => {
  assert.equal(matchingSuppression(keyAlert, [rule('feature', 'template_share')], NOW)?.scope, 'feature');
  assert.equal(matchingSuppression(keyAlert, [rule('feature', 'req_per_min')], NOW), null);
});

test('expired rules do not apply', () => {
  assert.equal(matchingSuppression(keyAlert, [rule('key', 'k1', -1)], NOW), null);
  assert.equal(matchingSuppression(keyAlert, [rule('key', 'k1', 0)], NOW), null);
});
