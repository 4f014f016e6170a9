import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertReason } from '../../../schemas/alert-v1.ts';
import { formatValue, reasonSentences } from '../../../services/cases/reason-sentences.ts';

const reason = (r: Partial<AlertReason> & Pick<AlertReason, 'feature' | 'value' | 'scorer'>): AlertReason => ({
  baseline: null,
  percentile: null,
  contribution: 0.1,
  ...r,
});

test('values read in their unit', () => {
  assert.equal(formatValue(0.963, 'share'), '96%');
  assert.equal(formatValue(12.0313, 'ratio'), '12×');
  assert.equal(formatValue(0.4349, 'days'), '10 hours');
  assert.equal(formatValue(1261, 'count'), '1,261');
  assert.equal(formatValue(3.4, 'number'), '3.4');
});

test('a rule reads as one sentence of its conditions with cohort norms', () => {
  const [first] = reasonSentences([
    reason({
      feature: 'req_per_hour',
      value: 1261,
      baseline: 12,
      contribution: 0.4,
      scorer: 'rule',
      detail: 'bulk_extraction: >= 600',
    }),
    reason({
      feature: 'long_output_share',
      value: 0.96,
      baseline: 0.1,
      contribution: 0.3,
      scorer: 'rule',
      detail: 'bulk_extraction: >= 0.5',
    }),
  ]);
  assert.equal(
    first?.text,
    'Sent 1,261 requests in an hour (typical for its cohort: 12) and 96% of outputs were over 1,000 tokens ' +
      '(typical for its cohort: 10%) — rule “bulk extraction”.',
  );
  assert.equal(first?.kind, 'rule');
  assert.ok(Math.abs((first?.contribution ?? 0) - 0.7) < 1e-9);
});

test('the same feature from several scorers is mentioned once, with both norms', () => {
  const sentences = reasonSentences([
    reason({ feature: 'out_in_ratio', value: 24.9, baseline: 0.27, contribution: 0.2, scorer: 'population' }),
    reason({ feature: 'out_in_ratio', value: 24.9, baseline: 3, contribution: 0.1, scorer: 'baseline' }),
    reason({ feature: 'out_in_ratio', value: 24.9, baseline: 0.3, contribution: 0.1, scorer: 'classifier' }),
  ]);
  assert.equal(sentences.length, 1);
  assert.equal(
    sentences[0]?.text,
    'Received outputs 24.9× as long as its inputs; typical for its cohort: 0.27×, its own usual: 3×.',
  );
});

test('identity and network features are context and come after behaviour', () => {
  const sentences = reasonSentences([
    reason({ feature: 'datacenter_asn_share', value: 1, contribution: 0.5, scorer: 'classifier' }),
    reason({ feature: 'template_share', value: 0.71, baseline: 0.1, contribution: 0.2, scorer: 'population' }),
  ]);
  assert.deepEqual(
    sentences.map((s) => s.text),
    [
      '71% of prompts followed one template; typical for its cohort: 10%.',
      'Context: 100% of its traffic came from hosting networks.',
    ],
  );
});

test('coordination evidence keeps its detail; zero-weight terms and unknown features still read', () => {
  const sentences = reasonSentences([
    reason({
      feature: 'shared_asn',
      value: 5,
      baseline: 3,
      contribution: 0.2,
      scorer: 'coordination',
      detail: 'AS212238: 5 of 5 keys; 3 keys outside',
    }),
    reason({
      feature: 'synchronised_schedule',
      value: 0,
      contribution: 0,
      scorer: 'coordination',
      detail: 'not judged',
    }),
    reason({ feature: 'brand_new_feature', value: 2.5, contribution: 0.1, scorer: 'population' }),
  ]);
  assert.deepEqual(
    sentences.map((s) => s.text),
    ['5 member keys call from the same network (AS212238: 5 of 5 keys; 3 keys outside).', 'Brand new feature was 2.5.'],
  );
});
