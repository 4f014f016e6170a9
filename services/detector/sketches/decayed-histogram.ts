import { decodeArray, encodeArray, sketchStorage } from './codec.ts';
import { decayWeight } from './decayed-sums.ts';

export interface DecayedHistogramSnapshot {
  landmark: number;
  lastTs: number;
  weights: string;
}

/**
 * A small quantile sketch: fixed equal-width buckets over [lo, hi] (callers pass values already on the feature's
 * scale, e.g. log), weighted by exponential decay in event time so the distribution follows drift. Quantiles,
 * CDF and MAD interpolate linearly inside a bucket; values outside the range count in the edge buckets.
 */
export class DecayedHistogram {
  private readonly weights: Float32Array;
  /** Event time the weights are relative to (see `decayWeight`); -1 before the first sample. */
  landmark = -1;
  private lastTs = -1;
  private readonly width: number;

  /**
   * `storage` and `at`: the `buckets` zeroed floats from index `at` to use (part of a key's one buffer, shared with
   * its other float sketches); default a new array.
   */
  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly buckets: number,
    readonly halfLifeMs: number,
    storage?: Float32Array,
    private readonly at = 0,
  ) {
    this.weights = sketchStorage('DecayedHistogram', Float32Array, buckets, storage, at);
    this.width = (hi - lo) / buckets;
  }

  add(value: number, ts: number): void {
    const w = decayWeight(this, ts, this.weights, this.at, this.buckets);
    if (ts > this.lastTs) this.lastTs = ts;
    const b = Math.min(this.buckets - 1, Math.max(0, Math.floor((value - this.lo) / this.width)));
    this.weights[this.at + b]! += w;
  }

  private totalWeight(): number {
    let total = 0;
    for (let i = 0; i < this.buckets; i++) total += this.weights[this.at + i]!;
    return total;
  }

  /** Decayed number of samples as of the newest one (a sample one half-life old counts 0.5). */
  effectiveCount(): number {
    if (this.landmark < 0) return 0;
    return this.totalWeight() / 2 ** ((this.lastTs - this.landmark) / this.halfLifeMs);
  }

  /** Share of the weight at or below `value` (0..1). */
  cdf(value: number): number {
    const total = this.totalWeight();
    if (total === 0) return 0;
    const position = (value - this.lo) / this.width;
    if (position <= 0) return 0;
    if (position >= this.buckets) return 1;
    const whole = Math.floor(position);
    let below = 0;
    for (let i = 0; i < whole; i++) below += this.weights[this.at + i]!;
    return (below + this.weights[this.at + whole]! * (position - whole)) / total;
  }

  quantile(q: number): number {
    const total = this.totalWeight();
    if (total === 0) return this.lo;
    const target = Math.min(1, Math.max(0, q)) * total;
    let cumulative = 0;
    for (let i = 0; i < this.buckets; i++) {
      const w = this.weights[this.at + i]!;
      if (cumulative + w >= target && w > 0) return this.lo + (i + (target - cumulative) / w) * this.width;
      cumulative += w;
    }
    return this.hi;
  }

  /** Median absolute deviation: the half-width d around the median holding half the weight (bisection). */
  mad(): number {
    const total = this.totalWeight();
    if (total === 0) return 0;
    const prefix = new Float64Array(this.buckets + 1);
    for (let i = 0; i < this.buckets; i++) prefix[i + 1] = prefix[i]! + this.weights[this.at + i]!;
    const cdf = (value: number): number => {
      const position = Math.min(this.buckets, Math.max(0, (value - this.lo) / this.width));
      const whole = Math.min(this.buckets - 1, Math.floor(position));
      return (prefix[whole]! + this.weights[this.at + whole]! * (position - whole)) / total;
    };
    const median = this.quantile(0.5);
    let low = 0;
    let high = this.hi - this.lo;
    for (let i = 0; i < 30; i++) {
      const d = (low + high) / 2;
      if (cdf(median + d) - cdf(median - d) >= 0.5) high = d;
      else low = d;
    }
    return high;
  }

  snapshot(): DecayedHistogramSnapshot {
    const weights = encodeArray(this.weights.subarray(this.at, this.at + this.buckets));
    return { landmark: this.landmark, lastTs: this.lastTs, weights };
  }

  /** Sets this histogram to a snapshot (validated length; throws on a torn one). */
  load(s: DecayedHistogramSnapshot): void {
    this.weights.set(decodeArray(Float32Array, s.weights, this.buckets), this.at);
    this.landmark = s.landmark;
    this.lastTs = s.lastTs;
  }

  static restore(lo: number, hi: number, buckets: number, halfLifeMs: number, s: DecayedHistogramSnapshot) {
    const out = new DecayedHistogram(lo, hi, buckets, halfLifeMs);
    out.load(s);
    return out;
  }
}
