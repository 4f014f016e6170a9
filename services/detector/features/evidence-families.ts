import { type FeatureName, IDENTITY_FEATURES } from './feature-names.ts';

type IdentityFeature = (typeof IDENTITY_FEATURES)[number];

/**
 * What kind of sign a feature is. Two features of one family are one piece of evidence seen twice (short prompts and
 * a high output/input ratio both say "outputs are long for their inputs"), so a pattern corroborated by a feature of
 * a family it already read is not corroborated at all (ensemble.ts, the classifier next to an ambiguous rule).
 */
export type EvidenceFamily =
  | 'volume'
  | 'timing'
  | 'diversity'
  | 'output_shape'
  | 'reasoning_requests'
  | 'sampling'
  | 'language'
  | 'context';

const BEHAVIOUR_FAMILY: Readonly<Record<Exclude<FeatureName, IdentityFeature>, EvidenceFamily>> = {
  req_per_min: 'volume',
  req_per_hour: 'volume',
  req_per_day: 'volume',
  in_tokens_per_min: 'volume',
  out_tokens_per_min: 'volume',
  out_tokens_per_hour: 'volume',
  concurrency: 'volume',
  rate_limited_share: 'volume',
  volume_change: 'volume',
  interarrival_cv: 'timing',
  active_hours_per_day: 'timing',
  peak_minute_ratio: 'timing',
  distinct_prompt_ratio: 'diversity',
  template_share: 'diversity',
  prompt_novelty: 'diversity',
  vocab_per_request: 'diversity',
  vocab_growth: 'diversity',
  prompt_tokens_mean: 'output_shape',
  out_in_ratio: 'output_shape',
  long_output_share: 'output_shape',
  output_tokens_p90: 'output_shape',
  max_tokens_stop_share: 'output_shape',
  // The phrase list and the elicitation classifier read the same requests; the flagged prompts' own output shape is
  // what those requests harvest.
  reasoning_phrase_share: 'reasoning_requests',
  rationale_request_share: 'reasoning_requests',
  harvest_instruction_share: 'reasoning_requests',
  harvest_instructions_recent: 'reasoning_requests',
  instructed_recent: 'reasoning_requests',
  instructed_out_in_ratio: 'reasoning_requests',
  instructed_out_in_lift: 'reasoning_requests',
  logprobs_share: 'sampling',
  multi_sample_share: 'sampling',
  temperature_std: 'sampling',
  tool_use_share: 'sampling',
  language_mix: 'language',
};

/** Every feature's family: the behaviour features' above, and the identity and network attributes are context. */
const EVIDENCE_FAMILY: Readonly<Record<FeatureName, EvidenceFamily>> = {
  ...BEHAVIOUR_FAMILY,
  ...(Object.fromEntries(IDENTITY_FEATURES.map((f) => [f, 'context'])) as Record<IdentityFeature, 'context'>),
};

/** The family of a feature by name; undefined for a name that is not a feature. */
export function evidenceFamily(feature: string): EvidenceFamily | undefined {
  return (EVIDENCE_FAMILY as Readonly<Record<string, EvidenceFamily>>)[feature];
}
