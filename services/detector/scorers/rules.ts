import type { RuleThresholds } from '../../common/config/detector.ts';
import type { FeatureName } from '../features/feature-names.ts';
import type { AlertCategory } from './scorer.ts';

/**
 * One test of a rule: the feature passes at `threshold` and counts fully at `saturate`; a gate (saturate equal to
 * threshold) only has to hold and does not make the rule stronger.
 */
export interface Condition {
  feature: FeatureName;
  op: '>=' | '<=';
  threshold: number;
  saturate: number;
}

/** A condition, or a group of alternatives of which at least one must hold. */
export type Check = Condition | Condition[];

/** A rule fires when every check holds. */
export interface Rule {
  name: string;
  category: AlertCategory;
  all: Check[];
}

const atLeast = (feature: FeatureName, threshold: number, saturate: number): Condition => ({
  feature,
  op: '>=',
  threshold,
  saturate,
});
const atMost = (feature: FeatureName, threshold: number, saturate = threshold): Condition => ({
  feature,
  op: '<=',
  threshold,
  saturate,
});

/** The five-minute pace must exceed the hourly threshold by this factor: five minutes are noisier than an hour. */
const PACE_MARGIN = 2;

/**
 * Volume of at least `perHour` requests: counted over the last hour, or already running at that pace over the last
 * five minutes (so a campaign is not given an hour's head start while its hourly window fills).
 */
const pace = (perHour: number, saturation: number): Condition[] => [
  atLeast('req_per_hour', perHour, perHour * saturation),
  atLeast('req_per_min', (perHour / 60) * PACE_MARGIN, (perHour / 60) * saturation),
];

/** Output at least as long as input: coding agents and document pipelines read far more than they write. */
const OUTPUT_HEAVY = 1;
/** A router's chat traffic is input-heavy (history); an extraction customer mixed in lifts the ratio past this. */
const MIXED_MIN_OUT_IN = 0.3;
/** Sweeping temperatures is how researchers study a model; harvesting wants its best answer at fixed settings. */
const VARIANCE_STUDY_TEMPERATURE_STD = 0.2;
/** Truncated outputs are of little use as training traces: an extractor sets max_tokens for complete ones. */
const TRUNCATED_SHARE = 0.3;
/**
 * Eval harnesses and researchers sample n > 1 (or read logprobs) to study variance; extraction wants one good trace
 * per prompt.
 */
const MIXED_MAX_MULTI_SAMPLE = 0.2;

/**
 * The rules, most specific first (the first that fires names the category). Each combines volume with what the
 * traffic is *for* (diverse prompts harvested for long, rich outputs; reasoning elicitation; scripted template
 * sweeps; extraction from unsupported regions), so heavy legitimate users that are input-heavy, repetitive or
 * tool-driven do not match on volume alone. No rule rests on network or account context alone (feature-roles.ts).
 */
export function buildRules(t: RuleThresholds): Rule[] {
  const harvested = atLeast('out_in_ratio', t.outInRatio, t.outInRatio * 4);
  /**
   * Where a key calls from is context: a region finding also needs the key to be extracting (volume, and outputs
   * harvested, long or reasoning-rich), so a traveller or a company hosted in a foreign cloud region is no alert.
   */
  const extracting: Check[] = [
    pace(t.cotReqPerHour, 20),
    [
      harvested,
      atLeast('long_output_share', t.longOutputShare, 1),
      atLeast('reasoning_phrase_share', t.reasoningShare, 1),
    ],
  ];
  return [
    {
      name: 'unsupported_region',
      category: 'region_evasion',
      all: [atLeast('unsupported_region_share', t.unsupportedRegionShare, 1), ...extracting],
    },
    {
      name: 'proxied_from_unsupported_region',
      category: 'region_evasion',
      all: [
        atLeast('unsupported_region_share', t.unsupportedLeakShare, t.unsupportedRegionShare),
        atLeast('country_mismatch_share', t.countryMismatchShare, 1),
        ...extracting,
      ],
    },
    {
      name: 'scripted_template_sweep',
      category: 'capability_sweep',
      all: [
        atMost('interarrival_cv', t.sweepMaxInterarrivalCv, 0),
        atLeast('template_share', t.templateShare, 1),
        pace(t.cotReqPerHour, 40),
        harvested,
      ],
    },
    {
      name: 'reasoning_elicitation_at_volume',
      category: 'cot_harvesting',
      all: [
        atLeast('reasoning_phrase_share', t.reasoningShare, 1),
        pace(t.cotReqPerHour, 20),
        atLeast('out_in_ratio', OUTPUT_HEAVY, t.outInRatio * 4),
        [
          atLeast('long_output_share', t.longOutputShare / 2, 1),
          atLeast('rationale_request_share', t.reasoningShare, 1),
          harvested,
        ],
      ],
    },
    {
      name: 'steady_low_volume_extraction',
      category: 'low_and_slow',
      all: [
        atLeast('active_hours_per_day', t.slowActiveHours, 24),
        atMost('req_per_hour', t.cotReqPerHour),
        atLeast('req_per_day', 100, 2_000),
        [harvested, atLeast('long_output_share', t.longOutputShare, 1)],
        atMost('multi_sample_share', MIXED_MAX_MULTI_SAMPLE),
        atMost('temperature_std', VARIANCE_STUDY_TEMPERATURE_STD),
        atMost('max_tokens_stop_share', TRUNCATED_SHARE),
        [
          atLeast('reasoning_phrase_share', t.reasoningShare, 1),
          atLeast('rationale_request_share', t.reasoningShare, 1),
        ],
      ],
    },
    {
      name: 'bulk_harvest',
      category: 'bulk_distillation',
      all: [
        pace(t.bulkReqPerHour, 10),
        atLeast('distinct_prompt_ratio', t.diversePromptRatio, 1),
        harvested,
        atLeast('long_output_share', t.longOutputShare, 1),
      ],
    },
    {
      name: 'router_mixing_in_extraction',
      category: 'reseller_mixed',
      all: [
        atLeast('req_per_day', t.resellerReqPerDay, t.resellerReqPerDay * 10),
        atLeast('req_per_hour', t.bulkReqPerHour, t.bulkReqPerHour * 10),
        atLeast('out_in_ratio', MIXED_MIN_OUT_IN, t.outInRatio),
        atLeast('long_output_share', t.longOutputShare / 4, 1),
        atMost('multi_sample_share', MIXED_MAX_MULTI_SAMPLE),
        atMost('logprobs_share', MIXED_MAX_MULTI_SAMPLE),
      ],
    },
  ];
}
