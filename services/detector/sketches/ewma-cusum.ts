import { decodeArray, encodeArray, sketchStorage } from './codec.ts';

/** A drift allowance of half a standard deviation and clipped updates, the textbook CUSUM settings. */
const CUSUM_SLACK = 0.5;
const UPDATE_CLIP_Z = 3;
/** One extreme snapshot moves the CUSUM by at most 4σ, so a single spike is not a sustained change. */
const CUSUM_CLIP_Z = 4;
const STATS = 3;

export interface EwmaCusumSnapshot {
  samples: number;
  since: number;
  data: string;
}

/**
 * Per-feature EWMA mean and variance plus an upper CUSUM, for a fixed set of tracked features of one key.
 * Updates are clipped at ±3σ so a sustained attack does not instantly become the key's new normal.
 */
export class EwmaCusum {
  /** Mean, variance and CUSUM of each tracked feature, in that order, from index `at`. */
  private readonly data: Float64Array;
  samples = 0;
  /** Event time of the first observation; -1 before it. */
  since = -1;

  /**
   * `storage` and `at`: the `tracked * 3` zeroed doubles from index `at` to use (part of a key's one buffer, shared
   * with its decayed sums); default a new array.
   */
  constructor(
    readonly tracked: number,
    readonly alpha: number,
    readonly minScale: Float64Array,
    storage?: Float64Array,
    private readonly at = 0,
  ) {
    this.data = sketchStorage('EwmaCusum', Float64Array, tracked * STATS, storage, at);
  }

  /** The statistics (mean, variance, CUSUM per tracked feature) as a view, not a copy. */
  statistics(): Float64Array {
    return this.data.subarray(this.at, this.at + this.tracked * STATS);
  }

  /** Sets the statistics to `values` (as `statistics()` returns them). */
  setStatistics(values: Float64Array): void {
    this.data.set(values.subarray(0, this.tracked * STATS), this.at);
  }

  mean(slot: number): number {
    return this.data[this.at + slot * STATS]!;
  }

  std(slot: number): number {
    return Math.max(Math.sqrt(this.data[this.at + slot * STATS + 1]!), this.minScale[slot]!);
  }

  cusum(slot: number): number {
    return this.data[this.at + slot * STATS + 2]!;
  }

  z(slot: number, value: number): number {
    return (value - this.mean(slot)) / this.std(slot);
  }

  /** Folds one observation of every tracked feature (values on the features' scales). */
  update(values: ArrayLike<number>, ts: number): void {
    if (this.since < 0) this.since = ts;
    for (let s = 0; s < this.tracked; s++) this.updateOne(s, values[s]!);
    this.samples++;
  }

  private updateOne(slot: number, value: number): void {
    const i = this.at + slot * STATS;
    if (this.samples === 0) {
      this.data[i] = value;
      return;
    }
    const std = this.std(slot);
    const z = (value - this.data[i]!) / std;
    this.data[i + 2] = Math.max(0, this.data[i + 2]! + Math.min(z, CUSUM_CLIP_Z) - CUSUM_SLACK);
    const clipped = this.data[i]! + Math.max(-UPDATE_CLIP_Z, Math.min(UPDATE_CLIP_Z, z)) * std;
    const delta = clipped - this.data[i]!;
    this.data[i] = this.data[i]! + this.alpha * delta;
    this.data[i + 1] = (1 - this.alpha) * (this.data[i + 1]! + this.alpha * delta * delta);
  }

  snapshot(): EwmaCusumSnapshot {
    return { samples: this.samples, since: this.since, data: encodeArray(this.statistics()) };
  }

  /** Sets these statistics to a snapshot (validated length; throws on a torn one). */
  load(s: EwmaCusumSnapshot): void {
    this.data.set(decodeArray(Float64Array, s.data, this.tracked * STATS), this.at);
    this.samples = s.samples;
    this.since = s.since;
  }
}
