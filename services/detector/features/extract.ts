import { HARVEST_SUM, INSTRUCTED, type KeyState, languageMix, MINUTE, SUM } from '../state/key-state.ts';
import { FEATURE_INDEX as F, FEATURE_COUNT } from './feature-names.ts';

const DAY_MS = 86_400_000;
/** Below this many gaps the inter-arrival CV is reported as 1 (a Poisson-like "unknown"). */
const MIN_GAPS = 5;

function divide(numerator: number, denominator: number, fallback = 0): number {
  return denominator > 0 ? numerator / denominator : fallback;
}

function volume(s: KeyState, out: Float64Array): void {
  const m = s.minutes;
  out[F.req_per_min] = m.sum(MINUTE.REQ, 5) / 5;
  out[F.req_per_hour] = m.sum(MINUTE.REQ, 60);
  out[F.req_per_day] = s.hours.sum(0, 24);
  out[F.in_tokens_per_min] = m.sum(MINUTE.IN, 5) / 5;
  out[F.out_tokens_per_min] = m.sum(MINUTE.OUT, 5) / 5;
  out[F.out_tokens_per_hour] = m.sum(MINUTE.OUT, 60);
  const meanLatencyS = s.sums.ratio(SUM.LAT_SUM, SUM.LAT_W) / 1000;
  out[F.concurrency] = (out[F.req_per_min]! / 60) * meanLatencyS;
  out[F.max_tokens_stop_share] = s.sums.ratio(SUM.STOP_MAX, SUM.W);
  out[F.rate_limited_share] = s.sums.ratio(SUM.RATE_LIMITED, SUM.W);
}

function temporal(s: KeyState, out: Float64Array): void {
  out[F.interarrival_cv] = s.gaps < MIN_GAPS ? 1 : divide(Math.sqrt(s.gapVar), s.gapMean, 0);
  out[F.active_hours_per_day] = s.hours.nonZero(0, 24);
  const activeMinutes = s.minutes.nonZero(MINUTE.REQ, 60);
  out[F.peak_minute_ratio] = divide(s.minutes.max(MINUTE.REQ, 60), divide(out[F.req_per_hour]!, activeMinutes), 1);
  out[F.volume_change] = s.baseline.cusum(F.req_per_hour) ?? 0;
}

function diversity(s: KeyState, out: Float64Array): void {
  out[F.distinct_prompt_ratio] = Math.min(1, divide(s.prompts.distinct(), s.prompts.adds(), 1));
  out[F.template_share] = s.sums.ratio(SUM.TEMPLATE, SUM.PROMPT_W);
  out[F.prompt_novelty] = s.sums.ratio(SUM.NOVELTY, SUM.PROMPT_W);
  out[F.vocab_per_request] = divide(s.vocab.distinct(), s.vocab.adds());
  out[F.vocab_growth] = divide(s.vocab.newDistinct(), s.vocab.currentGenerationAdds());
  out[F.prompt_tokens_mean] = divide(s.minutes.sum(MINUTE.IN, 60), out[F.req_per_hour]!);
  out[F.language_mix] = languageMix(s.sums);
}

function harvesting(s: KeyState, ts: number, out: Float64Array): void {
  const sums = s.sums;
  out[F.out_in_ratio] = divide(s.minutes.sum(MINUTE.OUT, 60), Math.max(1, s.minutes.sum(MINUTE.IN, 60)));
  out[F.long_output_share] = sums.ratio(SUM.LONG_OUT, SUM.W);
  out[F.output_tokens_p90] = 2 ** s.outputTokens.quantile(0.9) - 1;
  out[F.reasoning_phrase_share] = sums.ratio(SUM.REASONING, SUM.TEXT_W);
  out[F.rationale_request_share] = sums.ratio(SUM.RATIONALE, SUM.TEXT_W);
  out[F.harvest_instruction_share] = sums.ratio(HARVEST_SUM, SUM.TEXT_W);
  out[F.harvest_instructions_recent] = sums.valueAt(HARVEST_SUM, ts);
  const instructed = s.instructed;
  out[F.instructed_recent] = instructed.valueAt(INSTRUCTED.COUNT, ts);
  out[F.instructed_out_in_ratio] = instructed.ratio(INSTRUCTED.OUT, INSTRUCTED.IN);
  const overall = instructed.ratio(INSTRUCTED.ALL_OUT, INSTRUCTED.ALL_IN);
  out[F.instructed_out_in_lift] = overall > 0 ? out[F.instructed_out_in_ratio]! / overall : 0;
  out[F.logprobs_share] = sums.ratio(SUM.LOGPROBS, SUM.W);
  out[F.multi_sample_share] = sums.ratio(SUM.MULTI, SUM.W);
  const meanTemp = sums.ratio(SUM.TEMP_SUM, SUM.TEMP_W);
  out[F.temperature_std] = Math.sqrt(Math.max(0, sums.ratio(SUM.TEMP_SQ, SUM.TEMP_W) - meanTemp * meanTemp));
  out[F.tool_use_share] = sums.ratio(SUM.TOOL, SUM.W);
}

function identity(s: KeyState, orgKeyCount: number, ts: number, out: Float64Array): void {
  out[F.key_age_days] = Math.max(0, (ts - (s.createdAtMs ?? s.firstSeen)) / DAY_MS);
  out[F.org_key_count] = orgKeyCount;
  out[F.distinct_ips] = s.ips.distinct();
  out[F.distinct_asns] = s.asns.distinct();
  out[F.distinct_countries] = s.countries.distinct();
  out[F.datacenter_asn_share] = s.sums.ratio(SUM.DATACENTER, SUM.ASN_W);
  out[F.country_mismatch_share] = s.sums.ratio(SUM.MISMATCH, SUM.MISMATCH_W);
  out[F.unsupported_region_share] = s.sums.ratio(SUM.UNSUPPORTED, SUM.COUNTRY_W);
}

/** Computes the key's feature vector (FEATURE_NAMES order) as of event time `ts` into `out`. */
export function extractFeatures(s: KeyState, orgKeyCount: number, ts: number, out: Float64Array): Float64Array {
  if (out.length !== FEATURE_COUNT) throw new RangeError(`feature vector needs ${FEATURE_COUNT} slots`);
  s.minutes.advance(ts);
  s.hours.advance(ts);
  volume(s, out);
  temporal(s, out);
  diversity(s, out);
  harvesting(s, ts, out);
  identity(s, orgKeyCount, ts, out);
  return out;
}
