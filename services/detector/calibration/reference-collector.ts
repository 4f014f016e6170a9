import type { KeyFeatureSnapshot } from '../types.ts';
import type { ReferenceProfile } from './calibration-file.ts';
import { referenceFrom } from './fp-budget.ts';

const DAY_MS = 86_400_000;

/**
 * Folds a detector's feature snapshots into the benign reference: each benign key-day's highest evidence score (UTC
 * days of event time). `segmentOf` names a benign key's segment and returns null for keys that are not benign.
 */
export class ReferenceCollector {
  private readonly maxima = new Map<string, number>();
  private readonly segments = new Map<string, string>();

  constructor(private readonly segmentOf: (apiKeyId: string) => string | null) {}

  observe(snapshot: KeyFeatureSnapshot): void {
    const segment = this.segmentOf(snapshot.api_key_id);
    if (segment === null) return;
    const keyDay = `${snapshot.api_key_id}\u0000${Math.floor(snapshot.ts / DAY_MS)}`;
    const evidence = snapshot.evidence ?? snapshot.score;
    const seen = this.maxima.get(keyDay);
    if (seen === undefined) this.segments.set(keyDay, segment);
    if (seen === undefined || evidence > seen) this.maxima.set(keyDay, evidence);
  }

  /** Merges another collector's key-days (distinct datasets never share a key-day id). */
  absorb(other: ReferenceCollector): void {
    for (const [keyDay, value] of other.maxima) this.maxima.set(keyDay, Math.max(value, this.maxima.get(keyDay) ?? 0));
    for (const [keyDay, segment] of other.segments) this.segments.set(keyDay, segment);
  }

  profile(bins = 200): ReferenceProfile {
    const ref = referenceFrom(this.maxima.values(), bins);
    const segments: Record<string, number> = {};
    for (const segment of this.segments.values()) segments[segment] = (segments[segment] ?? 0) + 1;
    const sorted = Object.fromEntries(Object.entries(segments).sort(([a], [b]) => a.localeCompare(b)));
    return { key_days: ref.keyDays, counts: [...ref.counts], segments: sorted };
  }
}
