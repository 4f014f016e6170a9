import { BASELINE_INDEX, BASELINE_SLOT, FEATURE_SPECS, toScale } from '../features/feature-specs.ts';
import type { BaselineContext } from '../scorers/scorer.ts';
import { EwmaCusum, type EwmaCusumSnapshot } from '../sketches/ewma-cusum.ts';
import { SKETCH } from './sketch-params.ts';

const minScales = Float64Array.from(BASELINE_INDEX, (f) => FEATURE_SPECS[f]!.minScale);
/** Shared by all baselines (updates are synchronous), so an idle key's baseline holds only its statistics. */
const scratch = new Float64Array(BASELINE_INDEX.length);

/** A key's own history of its BASELINE_FEATURES (EWMA + CUSUM on each feature's scale); kept when a key idles. */
export class Baseline implements BaselineContext {
  private readonly stats: EwmaCusum;

  constructor(stats?: EwmaCusum) {
    this.stats = stats ?? new EwmaCusum(BASELINE_INDEX.length, SKETCH.baselineAlpha, minScales);
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

  static restore(s: EwmaCusumSnapshot): Baseline {
    return new Baseline(EwmaCusum.restore(BASELINE_INDEX.length, SKETCH.baselineAlpha, minScales, s));
  }
}
