import type { DetectorConfig } from '../../common/config/detector.ts';

/** Fixed sketch sizes: they bound the memory of every key (see README, "State size"). */
export const SKETCH = {
  /** HyperLogLog precisions: 2^p one-byte registers, error ≈ 1.04/√(2^p). */
  promptP: 7,
  vocabP: 8,
  ipP: 6,
  asnP: 5,
  countryP: 4,
  /** Distinct counts cover the last one to two generations of event time. */
  generationMs: 6 * 3_600_000,
  fingerprintRing: 32,
  /** Output tokens histogram over log2(1 + tokens) in half-octave buckets up to ~130k tokens. */
  outputLog2Max: 17,
  outputBuckets: 34,
  /** EWMA weight of one minute snapshot in the key's own baseline (≈ the last 100 active minutes). */
  baselineAlpha: 0.01,
} as const;

/** The parts of the detector config that per-key state needs, pre-digested for the hot path. */
export interface KeyStateParams {
  shareHalfLifeMs: number;
  /** Half-life of the sub-stream of classifier-flagged prompts (KeyState.instructed). */
  instructedHalfLifeMs: number;
  longOutputTokens: number;
  nearDupBits: number;
  datacenterAsns: ReadonlySet<number>;
  /** Countries where the service is offered; traffic from any other counts as unsupported-region traffic. */
  supportedRegions: ReadonlySet<string>;
}

export function keyStateParams(config: DetectorConfig): KeyStateParams {
  return {
    shareHalfLifeMs: config.shareHalfLifeMs,
    instructedHalfLifeMs: config.instructedHalfLifeMs,
    longOutputTokens: config.longOutputTokens,
    nearDupBits: config.nearDupBits,
    datacenterAsns: new Set(config.datacenterAsns),
    supportedRegions: new Set(config.supportedRegions),
  };
}
