import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './feature-names.ts';

/**
 * How statistics treat a feature: `log` features (counts, rates, ratios) are compared as log1p(x); `direction` says
 * which deviation is suspicious (`none`: never an anomaly by itself — every identity and network feature, see
 * feature-roles.ts, because most server-side API traffic comes from clouds and customers travel); lo/hi/minScale are
 * on the compared scale.
 */
export interface FeatureSpec {
  scale: 'log' | 'linear';
  direction: 'high' | 'low' | 'none';
  lo: number;
  hi: number;
  /** Smallest spread used for z-scores, so a cohort where nearly everyone is 0 does not make 0.01 infinite. */
  minScale: number;
}

const log = (direction: FeatureSpec['direction'], hi = 20): FeatureSpec => ({
  scale: 'log',
  direction,
  lo: 0,
  hi,
  minScale: 0.25,
});
const share = (direction: FeatureSpec['direction']): FeatureSpec => ({
  scale: 'linear',
  direction,
  lo: 0,
  hi: 1,
  minScale: 0.05,
});
const linear = (direction: FeatureSpec['direction'], hi: number, minScale: number): FeatureSpec => ({
  scale: 'linear',
  direction,
  lo: 0,
  hi,
  minScale,
});

const SPECS: Record<FeatureName, FeatureSpec> = {
  req_per_min: log('high'),
  req_per_hour: log('high'),
  req_per_day: log('high'),
  in_tokens_per_min: log('none'),
  out_tokens_per_min: log('high'),
  out_tokens_per_hour: log('high'),
  concurrency: log('high'),
  max_tokens_stop_share: share('high'),
  rate_limited_share: share('high'),
  interarrival_cv: linear('low', 5, 0.1),
  active_hours_per_day: linear('high', 24, 1),
  peak_minute_ratio: log('none', 5),
  volume_change: log('none', 6),
  distinct_prompt_ratio: share('none'),
  template_share: share('none'),
  prompt_novelty: share('none'),
  vocab_per_request: log('high', 8),
  vocab_growth: log('high', 8),
  prompt_tokens_mean: log('none', 12),
  out_in_ratio: log('high', 8),
  long_output_share: share('high'),
  output_tokens_p90: log('high', 12),
  reasoning_phrase_share: share('high'),
  rationale_request_share: share('high'),
  logprobs_share: share('high'),
  multi_sample_share: share('high'),
  temperature_std: linear('high', 2, 0.05),
  tool_use_share: share('none'),
  key_age_days: log('none', 10),
  org_key_count: log('none', 12),
  distinct_ips: log('none', 12),
  distinct_asns: log('none', 8),
  distinct_countries: log('none', 6),
  datacenter_asn_share: share('none'),
  country_mismatch_share: share('none'),
  unsupported_region_share: share('none'),
  language_mix: share('high'),
  harvest_instruction_share: share('none'),
  harvest_instructions_recent: log('none', 12),
  instructed_recent: log('none', 12),
  instructed_out_in_ratio: log('none', 8),
  instructed_out_in_lift: log('none', 8),
};

/** Specs in FEATURE_NAMES order. */
export const FEATURE_SPECS: readonly FeatureSpec[] = FEATURE_NAMES.map((name) => SPECS[name]);

export function toScale(feature: number, value: number): number {
  return FEATURE_SPECS[feature]!.scale === 'log' ? Math.log1p(Math.max(0, value)) : value;
}

/** Features each key keeps an EWMA/CUSUM baseline of (bounded: a fixed few, not all). */
export const BASELINE_FEATURES: readonly FeatureName[] = [
  'req_per_hour',
  'out_tokens_per_hour',
  'out_in_ratio',
  'long_output_share',
  'reasoning_phrase_share',
  'template_share',
  'vocab_per_request',
  'logprobs_share',
  'distinct_ips',
  'unsupported_region_share',
];

export const BASELINE_INDEX: readonly number[] = BASELINE_FEATURES.map((name) => FEATURE_INDEX[name]);

/** Slot of a feature in the baseline, or -1 when the key keeps no baseline of it. */
export const BASELINE_SLOT: readonly number[] = Array.from({ length: FEATURE_COUNT }, (_, f) =>
  BASELINE_INDEX.indexOf(f),
);
