import type { GroundTruth } from '../simulator/index.ts';

const HOUR_MS = 3_600_000;

/**
 * What one detection system (DistillGuard or a baseline) said about each key during a run: when it flagged
 * the key and its highest score. Attack keys' scores and flags count only from their campaign start (a
 * reseller's legitimate traffic before it is not the attack).
 */
export class SystemRecorder {
  readonly flags = new Map<string, number[]>();
  /** First time each key appeared inside a `kind: "cluster"` alert. */
  readonly clusterFlags = new Map<string, number>();
  readonly maxScores = new Map<string, number>();
  /** Alerts that count as detections (severity medium and above for the detector), and informational ones. */
  alerts = 0;
  informationalAlerts = 0;
  /** Baselines raise no alerts: a key's flags count as one alert per hour, like a detector alert's cooldown. */
  private readonly lastCounted = new Map<string, number>();
  private readonly countsFrom: Map<string, number>;

  constructor(
    readonly name: string,
    readonly description: string,
    truth: GroundTruth,
    /** False for the detector, whose alerts `recordAlert` counts itself. */
    private readonly flagsAreAlerts = true,
  ) {
    this.countsFrom = new Map(
      truth.keys.map((k) => [k.api_key_id, k.campaign_start ? Date.parse(k.campaign_start) : Number.NEGATIVE_INFINITY]),
    );
  }

  private counts(key: string, ts: number): boolean {
    return ts >= (this.countsFrom.get(key) ?? Number.NEGATIVE_INFINITY);
  }

  score(key: string, ts: number, score: number): void {
    if (!this.counts(key, ts)) return;
    if (score > (this.maxScores.get(key) ?? Number.NEGATIVE_INFINITY)) this.maxScores.set(key, score);
  }

  flag(key: string, ts: number, score: number): void {
    if (!this.counts(key, ts)) return;
    if (this.flagsAreAlerts && ts - (this.lastCounted.get(key) ?? Number.NEGATIVE_INFINITY) >= HOUR_MS) {
      this.lastCounted.set(key, ts);
      this.alerts++;
    }
    const list = this.flags.get(key);
    if (list) list.push(ts);
    else this.flags.set(key, [ts]);
    this.score(key, ts, score);
  }

  clusterFlag(keys: readonly string[], ts: number, score: number): void {
    for (const key of keys) {
      if (!this.counts(key, ts)) continue;
      if (!this.clusterFlags.has(key)) this.clusterFlags.set(key, ts);
      this.flag(key, ts, score);
    }
  }

  firstFlag(key: string): number | null {
    const list = this.flags.get(key);
    if (!list || list.length === 0) return null;
    let first = list[0]!;
    for (const ts of list) if (ts < first) first = ts;
    return first;
  }
}
