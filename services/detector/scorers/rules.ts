import type { RuleThresholds } from '../../common/config/detector.ts';
import type { FeatureName } from '../features/feature-names.ts';
import type { AlertCategory } from './scorer.ts';

/** One test of a rule: the feature passes at `threshold` and counts fully at `saturate`. */
export interface Condition {
  feature: FeatureName;
  op: '>=' | '<=';
  threshold: number;
  saturate: number;
}

/** A rule fires when every `all` condition holds and, if `any` is given, at least one of those. */
export interface Rule {
  name: string;
  category: AlertCategory;
  all: Condition[];
  any?: Condition[];
}

const atLeast = (feature: FeatureName, threshold: number, saturate: number): Condition => ({
  feature,
  op: '>=',
  threshold,
  saturate,
});
const atMost = (feature: FeatureName, threshold: number, saturate: number): Condition => ({
  feature,
  op: '<=',
  threshold,
  saturate,
});

/** Output at least as long as input: coding agents and document pipelines read far more than they write. */
const OUTPUT_HEAVY = 1;

/**
 * The rules. Each combines volume with what the traffic is *for* (diverse prompts harvested for long or
 * probability-rich outputs, reasoning elicitation, template sweeps), so heavy legitimate users that are
 * input-heavy, repetitive or tool-driven do not match on volume alone.
 */
export function buildRules(t: RuleThresholds): Rule[] {
  const harvestedOutput = [
    atLeast('out_in_ratio', t.outInRatio, t.outInRatio * 4),
    atLeast('long_output_share', t.longOutputShare, 1),
    atLeast('logprobs_share', t.logprobsShare, 1),
    atLeast('multi_sample_share', t.logprobsShare, 1),
  ];
  return [
    {
      name: 'bulk_harvest',
      category: 'bulk_distillation',
      all: [
        atLeast('req_per_hour', t.bulkReqPerHour, t.bulkReqPerHour * 10),
        atLeast('distinct_prompt_ratio', t.diversePromptRatio, 1),
        atLeast('out_in_ratio', OUTPUT_HEAVY, OUTPUT_HEAVY * 4),
      ],
      any: harvestedOutput,
    },
    {
      name: 'reasoning_elicitation_at_volume',
      category: 'cot_harvesting',
      all: [
        atLeast('reasoning_phrase_share', t.reasoningShare, 1),
        atLeast('req_per_hour', t.cotReqPerHour, t.cotReqPerHour * 20),
        atLeast('out_in_ratio', OUTPUT_HEAVY, OUTPUT_HEAVY * 4),
      ],
      any: [
        atLeast('long_output_share', t.longOutputShare / 2, 1),
        atLeast('rationale_request_share', t.reasoningShare / 2, 1),
        atLeast('out_in_ratio', t.outInRatio, t.outInRatio * 4),
      ],
    },
    {
      name: 'template_sweep',
      category: 'capability_sweep',
      all: [
        atLeast('template_share', t.templateShare, 1),
        atLeast('vocab_growth', t.sweepVocabGrowth, t.sweepVocabGrowth * 5),
        atLeast('req_per_hour', t.cotReqPerHour, t.cotReqPerHour * 20),
        atLeast('out_in_ratio', OUTPUT_HEAVY, OUTPUT_HEAVY * 4),
      ],
    },
    {
      name: 'unsupported_region',
      category: 'region_evasion',
      all: [atLeast('unsupported_region_share', t.unsupportedRegionShare, 1)],
    },
    {
      name: 'proxied_access',
      category: 'region_evasion',
      all: [
        atLeast('datacenter_asn_share', t.datacenterShare, 1),
        atLeast('country_mismatch_share', t.countryMismatchShare, 1),
        atLeast('distinct_countries', 3, 10),
      ],
    },
    {
      name: 'reseller_router',
      category: 'reseller_mixed',
      all: [
        atLeast('distinct_ips', t.resellerDistinctIps, t.resellerDistinctIps * 10),
        atLeast('distinct_asns', 5, 30),
        atLeast('datacenter_asn_share', 0.3, 1),
      ],
      any: [
        atLeast('reasoning_phrase_share', t.reasoningShare / 3, 1),
        atLeast('logprobs_share', t.logprobsShare / 3, 1),
        atLeast('out_in_ratio', t.outInRatio, t.outInRatio * 4),
      ],
    },
    {
      name: 'steady_low_volume_extraction',
      category: 'low_and_slow',
      all: [
        atLeast('active_hours_per_day', t.slowActiveHours, 24),
        atMost('req_per_hour', t.bulkReqPerHour, 0),
        atLeast('req_per_day', 100, 2_000),
        atLeast('out_in_ratio', OUTPUT_HEAVY, OUTPUT_HEAVY * 4),
      ],
      any: [
        atLeast('reasoning_phrase_share', t.reasoningShare, 1),
        atLeast('rationale_request_share', t.reasoningShare, 1),
        atLeast('logprobs_share', t.logprobsShare, 1),
      ],
    },
  ];
}
