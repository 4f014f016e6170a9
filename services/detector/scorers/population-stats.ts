import { FEATURE_COUNT } from '../features/feature-names.ts';
import { FEATURE_SPECS, toScale } from '../features/feature-specs.ts';
import type { PopulationContext } from '../scorers/scorer.ts';
import { appendedFields } from '../sketches/codec.ts';
import { DecayedHistogram, type DecayedHistogramSnapshot } from '../sketches/decayed-histogram.ts';
import { CappedRegistry } from '../state/capped-registry.ts';
import type { MapChanges } from '../state/map-changes.ts';
import type { CapEvictionListener } from '../state/state-caps.ts';

/** Cohort distributions follow drift over hours, not minutes. */
export const COHORT_HALF_LIFE_MS = 6 * 3_600_000;
const BUCKETS = 64;
/** 1.4826 · MAD estimates σ for normal data, so robust z-scores read like ordinary ones. */
const MAD_TO_SIGMA = 1.4826;

function newHistogram(feature: number): DecayedHistogram {
  const spec = FEATURE_SPECS[feature]!;
  return new DecayedHistogram(spec.lo, spec.hi, BUCKETS, COHORT_HALF_LIFE_MS);
}

/** One cohort's (model + endpoint) per-feature quantile sketches; median and MAD cached per minute of event time. */
export class CohortStats implements PopulationContext {
  private readonly histograms: DecayedHistogram[];
  private readonly medians = new Float64Array(FEATURE_COUNT);
  private readonly scales = new Float64Array(FEATURE_COUNT);
  private cachedMinute = -1;
  private lastMinute = -1;

  constructor(histograms?: DecayedHistogram[]) {
    this.histograms = histograms ?? Array.from({ length: FEATURE_COUNT }, (_, f) => newHistogram(f));
  }

  /** Folds one key snapshot (FEATURE_NAMES order, raw values) into the cohort. */
  add(features: Float64Array, ts: number): void {
    for (let f = 0; f < FEATURE_COUNT; f++) this.histograms[f]!.add(toScale(f, features[f]!), ts);
    this.lastMinute = Math.max(this.lastMinute, Math.floor(ts / 60_000));
  }

  get samples(): number {
    return this.histograms[0]!.effectiveCount();
  }

  private refresh(): void {
    if (this.cachedMinute === this.lastMinute) return;
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const h = this.histograms[f]!;
      this.medians[f] = h.quantile(0.5);
      this.scales[f] = Math.max(MAD_TO_SIGMA * h.mad(), FEATURE_SPECS[f]!.minScale);
    }
    this.cachedMinute = this.lastMinute;
  }

  median(feature: number): number {
    this.refresh();
    const m = this.medians[feature]!;
    return FEATURE_SPECS[feature]!.scale === 'log' ? Math.expm1(m) : m;
  }

  robustZ(feature: number, value: number): number {
    this.refresh();
    return (toScale(feature, value) - this.medians[feature]!) / this.scales[feature]!;
  }

  percentile(feature: number, value: number): number {
    return 100 * this.histograms[feature]!.cdf(toScale(feature, value));
  }

  snapshot(): DecayedHistogramSnapshot[] {
    return this.histograms.map((h) => h.snapshot());
  }

  /**
   * A snapshot written before features were appended restores with empty histograms for the new ones. The cached
   * medians and scales are not in the snapshot: the first read computes them from the restored histograms (before,
   * they read as 0 until the cohort's next sample, so the first keys scored after a restore got other scores).
   */
  static restore(s: DecayedHistogramSnapshot[]): CohortStats {
    const stats = new CohortStats(
      appendedFields(s, FEATURE_COUNT, 'cohort snapshot').map((h, f) => {
        const spec = FEATURE_SPECS[f]!;
        return h ? DecayedHistogram.restore(spec.lo, spec.hi, BUCKETS, COHORT_HALF_LIFE_MS, h) : newHistogram(f);
      }),
    );
    stats.cachedMinute = Number.NaN;
    return stats;
  }
}

/** Cohort statistics by `model|endpoint`; past `maxCohorts`, the least recently used cohorts are forgotten. */
export class PopulationRegistry extends CappedRegistry<CohortStats, DecayedHistogramSnapshot[]> {
  protected readonly create = () => new CohortStats();
  protected readonly snapshotOf = (stats: CohortStats) => stats.snapshot();
  protected readonly restore = (s: DecayedHistogramSnapshot[]) => CohortStats.restore(s);

  constructor(maxCohorts?: number, onCapEviction?: CapEvictionListener, changes?: MapChanges) {
    super('cohorts', maxCohorts, onCapEviction, changes);
  }

  /** The cohort's statistics (created when new), marked used; callers add to them, so they count as changed. */
  get(cohort: string): CohortStats {
    return this.use(cohort);
  }
}
