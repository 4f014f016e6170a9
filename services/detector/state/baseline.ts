import { BASELINE_INDEX, BASELINE_SLOT, FEATURE_SPECS, toScale } from '../features/feature-specs.ts';
import type { BaselineContext } from '../scorers/scorer.ts';
import { EwmaCusum, type EwmaCusumSnapshot } from '../sketches/ewma-cusum.ts';
import { SKETCH } from './sketch-params.ts';

const minScales = Float64Array.from(BASELINE_INDEX, (f) => FEATURE_SPECS[f]!.minScale);
/** Doubles of one baseline's statistics (mean, variance, CUSUM per tracked feature). */
export const BASELINE_FLOATS = BASELINE_INDEX.length * 3;

/** What a baseline is made of, to copy it without its object (compacted keys keep it in a shared arena). */
export interface BaselineValues {
  samples: number;
  /** Event time of the first update; -1 before it. */
  since: number;
  data: Float64Array;
}
/** Shared by all baselines (updates are synchronous), so an idle key's baseline holds only its statistics. */
const scratch = new Float64Array(BASELINE_INDEX.length);

/** A key's own history of its BASELINE_FEATURES (EWMA + CUSUM on each feature's scale); kept when a key idles. */
export class Baseline implements BaselineContext {
  private readonly stats: EwmaCusum;

  /**
   * `storage` and `at`: the BASELINE_FLOATS zeroed doubles from index `at` to use (part of a key's one buffer);
   * default a new array.
   */
  constructor(storage?: Float64Array, at = 0) {
    this.stats = new EwmaCusum(BASELINE_INDEX.length, SKETCH.baselineAlpha, minScales, storage, at);
  }

  /** The statistics as they are (`data` is a view, not a copy). */
  get values(): BaselineValues {
    return { samples: this.stats.samples, since: this.stats.since, data: this.stats.statistics() };
  }

  /** Sets this baseline to `from`'s statistics. */
  copy(from: BaselineValues): void {
    this.stats.setStatistics(from.data);
    this.stats.samples = from.samples;
    this.stats.since = from.since;
  }

  get samples(): number {
    return this.stats.samples;
  }

  get since(): number | null {
    return this.stats.since < 0 ? null : this.stats.since;
  }

  mean(feature: number): number | null {
    const slot = BASELINE_SLOT[feature]!;
    if (slot < 0 || this.stats.samples === 0) return null;
    const m = this.stats.mean(slot);
    return FEATURE_SPECS[feature]!.scale === 'log' ? Math.expm1(m) : m;
  }

  z(feature: number, value: number): number | null {
    const slot = BASELINE_SLOT[feature]!;
    if (slot < 0 || this.stats.samples === 0) return null;
    return this.stats.z(slot, toScale(feature, value));
  }

  cusum(feature: number): number | null {
    const slot = BASELINE_SLOT[feature]!;
    return slot < 0 ? null : this.stats.cusum(slot);
  }

  /** Folds one full feature vector (FEATURE_NAMES order) at event time `ts` into the baseline. */
  update(features: Float64Array, ts: number): void {
    for (let s = 0; s < BASELINE_INDEX.length; s++)
      scratch[s] = toScale(BASELINE_INDEX[s]!, features[BASELINE_INDEX[s]!]!);
    this.stats.update(scratch, ts);
  }

  snapshot(): EwmaCusumSnapshot {
    return this.stats.snapshot();
  }

  /** Sets this baseline to a snapshot (validated length; throws on a torn one). */
  load(s: EwmaCusumSnapshot): void {
    this.stats.load(s);
  }

  static restore(s: EwmaCusumSnapshot): Baseline {
    const out = new Baseline();
    out.load(s);
    return out;
  }
}
