import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicy, parsePolicy } from '../../../services/actions/policy.ts';
import { matchRule } from '../../../services/actions/policy-match.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { alert, testPolicy } from './fixtures.ts';

function policyError(value: unknown): string {
  try {
    parsePolicy(value);
  } catch (error) {
    assert.ok(error instanceof DistillGuardError);
    assert.equal(error.code, 'DG_ERR_CONFIG');
    return error.message;
  }
  assert.fail('policy was accepted');
}

const rule = (action: Record<string, unknown>, when: Record<string, unknown> = {}) => ({ name: 'r', when, action });

describe('policy parsing', () => {
  it('accepts the bundled default policy and turns durations into milliseconds', () => {
    const policy = loadPolicy();
    assert.equal(policy.mode, 'enforce');
    assert.equal(policy.rules.find((r) => r.name === 'critical-extraction')?.action.duration, 6 * 3_600_000);
  });

  it('acts on the calibrated severity of the default policy, not on a fixed score beside it', () => {
    const policy = loadPolicy();
    // Scores just above each severity's floor (detector: high 0.75, critical 0.9; coordination: high 0.8).
    const ruleFor = (a: Parameters<typeof alert>[0]) => matchRule(policy, alert(a))?.rule.name;
    assert.equal(ruleFor({ severity: 'critical', score: 0.91 }), 'critical-extraction');
    assert.equal(ruleFor({ severity: 'high', score: 0.76, category: 'cot_harvesting' }), 'high-extraction');
    assert.equal(ruleFor({ severity: 'medium', score: 0.61 }), 'medium-review');
    const members = ['m1', 'm2', 'm3', 'm4'];
    assert.equal(ruleFor({ kind: 'cluster', api_key_ids: members, severity: 'high', score: 0.8 }), 'hydra-network');
    assert.equal(ruleFor({ kind: 'cluster', api_key_ids: members, severity: 'medium', score: 0.75 }), 'medium-review');
  });

  it('names the bad field', () => {
    const bad = { version: 1, mode: 'enforce', rules: [rule({ type: 'suspend', duration: '3 hours' })] };
    assert.match(policyError(bad), /rules\.0\.action\.duration: must look like 90s, 15m, 6h or 7d/);
  });

  it('rejects misspelt condition fields instead of ignoring them', () => {
    const bad = { version: 1, mode: 'enforce', rules: [rule({ type: 'suspend', duration: '1h' }, { min_scroe: 0.9 })] };
    assert.match(policyError(bad), /rules\.0\.when: .*min_scroe/);
  });

  it('requires rpm or tpm on rate_limit, a known mode and unique rule names', () => {
    assert.match(
      policyError({ version: 1, mode: 'enforce', rules: [rule({ type: 'rate_limit', duration: '1h' })] }),
      /rules\.0\.action\.rpm: rate_limit needs rpm or tpm/,
    );
    assert.match(policyError({ version: 1, mode: 'shadow', rules: [] }), /mode:/);
    const twice = rule({ type: 'suspend', duration: '1h' });
    assert.match(
      policyError({ version: 1, mode: 'enforce', rules: [twice, twice] }),
      /rules: rule names must be unique/,
    );
  });

  it('reports unreadable and non-JSON files, and applies the mode override', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dg-policy-'));
    writeFileSync(join(dir, 'broken.json'), '{"version": 1,');
    assert.throws(() => loadPolicy(join(dir, 'broken.json')), /is not valid JSON/);
    assert.throws(() => loadPolicy(join(dir, 'missing.json')), /cannot read policy file/);
    assert.equal(loadPolicy(undefined, 'dry_run').mode, 'dry_run');
  });
});

describe('rule matching (first match wins)', () => {
  const policy = testPolicy();

  it('picks the first rule whose conditions all hold', () => {
    const cluster = alert({ kind: 'cluster', api_key_ids: ['a', 'b', 'c'], severity: 'high' });
    assert.equal(matchRule(policy, cluster)?.rule.name, 'big-cluster');
    assert.equal(matchRule(policy, alert({ kind: 'cluster', api_key_ids: ['a', 'b'] }))?.rule.name, 'high');
    assert.equal(matchRule(policy, alert({ severity: 'critical', score: 0.99 }))?.rule.name, 'high');
  });

  it('applies score and severity thresholds', () => {
    assert.equal(matchRule(policy, alert({ severity: 'high', score: 0.79 }))?.rule.name, 'medium');
    assert.equal(matchRule(policy, alert({ severity: 'medium', score: 0.99 }))?.rule.name, 'medium');
    assert.equal(matchRule(policy, alert({ severity: 'low', score: 0.99 })), null);
  });

  it('filters by category and maximum cluster size', () => {
    const p = parsePolicy({
      version: 1,
      mode: 'enforce',
      rules: [
        {
          name: 'cot',
          when: { category: ['cot_harvesting'], max_cluster_size: 1 },
          action: { type: 'suspend', duration: '1h', mode: 'dry_run' },
        },
      ],
    });
    assert.deepEqual(matchRule(p, alert({ category: 'cot_harvesting' }))?.mode, 'dry_run');
    assert.equal(matchRule(p, alert({ category: 'bulk_distillation' })), null);
    assert.equal(matchRule(p, alert({ category: 'cot_harvesting', api_key_ids: ['a', 'b'] })), null);
  });

  it('takes the policy mode unless the rule shadows itself', () => {
    assert.equal(matchRule(testPolicy('dry_run'), alert())?.mode, 'dry_run');
    assert.equal(matchRule(testPolicy('enforce'), alert())?.mode, 'enforce');
  });
});
