/** Identity and network attributes: context, never evidence (`CONTEXT_FEATURES` in feature-roles.ts). */
export const IDENTITY_FEATURES = [
  'key_age_days',
  'org_key_count',
  'distinct_ips',
  'distinct_asns',
  'distinct_countries',
  'datacenter_asn_share',
  'country_mismatch_share',
  'unsupported_region_share',
] as const;

/**
 * The ordered per-key feature vector shared by every scorer, the `key_features` rows and the tfjs models.
 * Append only: a model records this list and the loader refuses a model whose list differs.
 */
export const FEATURE_NAMES = [
  // volume
  'req_per_min',
  'req_per_hour',
  'req_per_day',
  'in_tokens_per_min',
  'out_tokens_per_min',
  'out_tokens_per_hour',
  'concurrency',
  'max_tokens_stop_share',
  'rate_limited_share',
  // temporal
  'interarrival_cv',
  'active_hours_per_day',
  'peak_minute_ratio',
  'volume_change',
  // prompt diversity
  'distinct_prompt_ratio',
  'template_share',
  'prompt_novelty',
  'vocab_per_request',
  'vocab_growth',
  'prompt_tokens_mean',
  // output harvesting
  'out_in_ratio',
  'long_output_share',
  'output_tokens_p90',
  'reasoning_phrase_share',
  'rationale_request_share',
  'logprobs_share',
  'multi_sample_share',
  'temperature_std',
  'tool_use_share',
  // identity and network (context)
  ...IDENTITY_FEATURES,
  // prompt diversity (appended)
  'language_mix',
  // output harvesting (appended): share of prompts the elicitation classifier reads as harvesting instructions, and
  // how many it read recently (decayed count, half-life DG_DETECTOR_SHARE_HALF_LIFE_MS)
  'harvest_instruction_share',
  'harvest_instructions_recent',
  // output harvesting (appended): the prompts the elicitation classifier flags, on their own and over a longer
  // half-life (DG_DETECTOR_INSTRUCTED_HALF_LIFE_MS): how many recently (decayed count), their output/input ratio, and
  // that ratio over the output/input ratio of all the key's requests in the same window
  'instructed_recent',
  'instructed_out_in_ratio',
  'instructed_out_in_lift',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Index of each feature in the vector, e.g. `FEATURE_INDEX.req_per_min === 0`. */
export const FEATURE_INDEX = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<FeatureName, number>,
);
