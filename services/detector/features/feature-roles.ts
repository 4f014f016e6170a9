import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './feature-names.ts';

/**
 * Identity and network attributes: context, not evidence (DESIGN.md "Evidence and context"). Real customers call
 * from clouds, open new keys, run many keys per org and travel, so these features may rank, link and explain an
 * alert but never raise one: no scorer counts them as anomalies and the tfjs models do not see them.
 */
export const CONTEXT_FEATURES: readonly FeatureName[] = [
  'key_age_days',
  'org_key_count',
  'distinct_ips',
  'distinct_asns',
  'distinct_countries',
  'datacenter_asn_share',
  'country_mismatch_share',
  'unsupported_region_share',
];

const CONTEXT_SET = new Set<string>(CONTEXT_FEATURES);

/** What a key does: volume, timing, what it asks and what it harvests. */
export const BEHAVIOUR_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter((name) => !CONTEXT_SET.has(name));

/** The inputs of the tfjs models, in this order: behaviour only, so no model can alert on context. */
export const MODEL_FEATURES = BEHAVIOUR_FEATURES;

/** Index of each model input in the full feature vector. */
export const MODEL_FEATURE_INDEX: readonly number[] = MODEL_FEATURES.map((name) => FEATURE_INDEX[name]);

/** True for the index of a context feature in the full vector. */
export const IS_CONTEXT: readonly boolean[] = FEATURE_NAMES.map((name) => CONTEXT_SET.has(name));

export function isContextFeature(name: string): boolean {
  return CONTEXT_SET.has(name);
}

/** The model inputs of one full feature vector, in MODEL_FEATURES order. */
export function modelInputs(features: ArrayLike<number>, out: number[] = []): number[] {
  out.length = MODEL_FEATURE_INDEX.length;
  for (let i = 0; i < MODEL_FEATURE_INDEX.length; i++) out[i] = features[MODEL_FEATURE_INDEX[i]!]!;
  return out;
}
