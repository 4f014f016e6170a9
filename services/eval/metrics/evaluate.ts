import type { GroundTruth, KeyTruth } from '../../simulator/index.ts';
import type { AttackMetrics, BenignMetrics, HydraMetrics, SystemMetrics } from '../report-schema.ts';
import type { SystemRecorder } from '../system-recorder.ts';
import { ratePer1000 } from './confidence.ts';
import { averagePrecision, prCurve, precisionRecall, quantile, type Scored } from './precision-recall.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const DETECT_WITHIN_MIN = 15;
/** Hydra members count as found by stage 2 when inside a cluster alert within this many minutes. */
export const HYDRA_WITHIN_MIN = 120;
/**
 * A key that sent fewer requests than this in its first DETECT_WITHIN_MIN minutes from its onset gave a detector little
 * to go on by then (campaigns that ramp up, keys that start slowly): the report counts them apart.
 */
export const EARLY_EVIDENCE_MIN_EVENTS = 10;

/** The evaluated population: keys that sent at least one event, and the simulated span. */
export interface EvalScope {
  truth: GroundTruth;
  activeKeys: ReadonlySet<string>;
  /**
   * Each attack key's onset: its first request at or after its campaign start (absent: it sent none then). Time to
   * detect counts from it; a key that joins its campaign an hour late cannot be detected in the hour before.
   */
  onsets: ReadonlyMap<string, number>;
  /** Events of each attack key within DETECT_WITHIN_MIN of its onset (absent: none). */
  earlyEvents: ReadonlyMap<string, number>;
}

/**
 * Minutes from a key's onset (its first request of the campaign) to its first flag, or, with `from: 'campaign'`, from
 * its campaign's start; null when never flagged. A flag before the onset (a cluster alert naming a key that sent
 * earlier, ordinary traffic) counts as 0.
 */
function timeToDetect(
  rec: SystemRecorder,
  key: KeyTruth,
  scope: EvalScope,
  from: 'onset' | 'campaign' = 'onset',
): number | null {
  const first = rec.firstFlag(key.api_key_id);
  if (first === null) return null;
  const campaignStart = Date.parse(key.campaign_start!);
  const start = from === 'onset' ? (scope.onsets.get(key.api_key_id) ?? campaignStart) : campaignStart;
  return Math.max(0, first - start) / MINUTE_MS;
}

function scoredOf(rec: SystemRecorder, keys: readonly KeyTruth[]): Scored[] {
  return keys.map((k) => ({ score: rec.maxScores.get(k.api_key_id) ?? 0, positive: k.label === 'attack' }));
}

function byVariant(rec: SystemRecorder, keys: readonly KeyTruth[], scope: EvalScope): AttackMetrics['by_variant'] {
  const out: AttackMetrics['by_variant'] = {};
  for (const key of keys) {
    const counts = out[String(key.variant)] ?? { keys: 0, detected: 0, detected_15m: 0 };
    out[String(key.variant)] = counts;
    const ttd = timeToDetect(rec, key, scope);
    counts.keys++;
    if (ttd !== null) counts.detected++;
    if (ttd !== null && ttd <= DETECT_WITHIN_MIN) counts.detected_15m++;
  }
  return out;
}

const within15 = (ttd: number | null) => ttd !== null && ttd <= DETECT_WITHIN_MIN;

/** Keys with at least EARLY_EVIDENCE_MIN_EVENTS requests in their first DETECT_WITHIN_MIN minutes, and how many of them were flagged by then. */
function earlyEvidence(rec: SystemRecorder, keys: readonly KeyTruth[], scope: EvalScope) {
  const busy = keys.filter((k) => (scope.earlyEvents.get(k.api_key_id) ?? 0) >= EARLY_EVIDENCE_MIN_EVENTS);
  const flagged = busy.filter((k) => within15(timeToDetect(rec, k, scope)));
  return { keys_busy_15m: busy.length, detected_15m_of_busy: flagged.length };
}

function attackMetrics(
  rec: SystemRecorder,
  keys: KeyTruth[],
  benign: KeyTruth[],
  fpKeys: number,
  scope: EvalScope,
): AttackMetrics {
  const ttds = keys.map((k) => timeToDetect(rec, k, scope)).filter((t): t is number => t !== null);
  const within = ttds.filter((t) => t <= DETECT_WITHIN_MIN).length;
  const withinOfCampaign = keys.filter((k) => within15(timeToDetect(rec, k, scope, 'campaign'))).length;
  const { precision, recall } = precisionRecall(ttds.length, fpKeys, keys.length - ttds.length);
  return {
    keys: keys.length,
    detected: ttds.length,
    detected_15m: within,
    recall,
    recall_15m: keys.length === 0 ? null : within / keys.length,
    recall_15m_of_campaign_start: keys.length === 0 ? null : withinOfCampaign / keys.length,
    ...earlyEvidence(rec, keys, scope),
    precision,
    pr_auc: averagePrecision(scoredOf(rec, [...keys, ...benign])),
    ttd_p50_min: quantile(ttds, 0.5),
    ttd_p90_min: quantile(ttds, 0.9),
    ttd_minutes: ttds.sort((a, b) => a - b),
    by_variant: byVariant(rec, keys, scope),
  };
}

/** Flags per (key, simulated day), over the days each benign key was active. */
function benignMetrics(rec: SystemRecorder, keys: KeyTruth[], start: number): BenignMetrics {
  let fpKeys = 0;
  let fpKeyDays = 0;
  let keyDays = 0;
  for (const key of keys) {
    keyDays += (Date.parse(key.active_until) - Date.parse(key.active_from)) / DAY_MS;
    const flags = rec.flags.get(key.api_key_id) ?? [];
    if (flags.length === 0) continue;
    fpKeys++;
    fpKeyDays += new Set(flags.map((ts) => Math.floor((ts - start) / DAY_MS))).size;
  }
  const { rate, upper95 } = ratePer1000(fpKeyDays, keyDays);
  return {
    keys: keys.length,
    fp_keys: fpKeys,
    fp_key_days: fpKeyDays,
    key_days: keyDays,
    fp_per_1000_key_days: rate,
    fp_per_1000_upper95: upper95,
  };
}

function hydraMetrics(rec: SystemRecorder, scope: EvalScope): HydraMetrics[] {
  return scope.truth.campaigns
    .filter((c) => c.archetype === 'hydra_network')
    .map((c) => {
      const members = c.api_key_ids.filter((k) => scope.activeKeys.has(k));
      const clustered = members.map((k) => rec.clusterFlags.get(k)).filter((t): t is number => t !== undefined);
      const start = Date.parse(c.start);
      const first = clustered.length > 0 ? Math.min(...clustered) : null;
      return {
        campaign_id: c.campaign_id,
        members: members.length,
        members_in_cluster: clustered.length,
        members_in_cluster_120m: clustered.filter((t) => t - start <= HYDRA_WITHIN_MIN * MINUTE_MS).length,
        share_in_cluster: members.length === 0 ? 0 : clustered.length / members.length,
        members_flagged: members.filter((k) => rec.flags.has(k)).length,
        first_cluster_alert_min: first === null ? null : (first - start) / MINUTE_MS,
      };
    });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const step = points.length / max;
  return Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]!).concat(points.at(-1)!);
}

function hydraShares(hydra: readonly HydraMetrics[]): { all: number | null; within: number | null } {
  const members = hydra.reduce((n, h) => n + h.members, 0);
  if (members === 0) return { all: null, within: null };
  return {
    all: hydra.reduce((n, h) => n + h.members_in_cluster, 0) / members,
    within: hydra.reduce((n, h) => n + h.members_in_cluster_120m, 0) / members,
  };
}

/** Every metric of one system against the ground truth. */
export function evaluateSystem(rec: SystemRecorder, scope: EvalScope): SystemMetrics {
  const keys = scope.truth.keys.filter((k) => scope.activeKeys.has(k.api_key_id));
  const attacks = keys.filter((k) => k.label === 'attack');
  const benign = keys.filter((k) => k.label === 'benign');
  const start = Date.parse(scope.truth.start);
  const fpKeys = benign.filter((k) => rec.flags.has(k.api_key_id)).length;
  const all = attackMetrics(rec, attacks, benign, fpKeys, scope);
  const byArchetype = (list: KeyTruth[]) => groupBy(list, (k) => k.archetype);
  const fp = benignMetrics(rec, benign, start);
  const hydra = hydraMetrics(rec, scope);
  const shares = hydraShares(hydra);
  const days = (Date.parse(scope.truth.end) - start) / DAY_MS;
  return {
    name: rec.name,
    description: rec.description,
    overall: {
      flagged_keys: [...rec.flags.keys()].filter((k) => scope.activeKeys.has(k)).length,
      precision: all.precision,
      recall: all.recall,
      recall_15m: all.recall_15m,
      pr_auc: all.pr_auc,
      fp_key_days: fp.fp_key_days,
      benign_key_days: fp.key_days,
      fp_per_1000_key_days: fp.fp_per_1000_key_days,
      fp_per_1000_upper95: fp.fp_per_1000_upper95,
      hydra_in_cluster: shares.all,
      hydra_in_cluster_120m: shares.within,
      alerts: rec.alerts,
      informational_alerts: rec.informationalAlerts,
      alerts_per_day: days > 0 ? rec.alerts / days : 0,
    },
    attacks: Object.fromEntries(
      [...byArchetype(attacks)].map(([a, list]) => [a, attackMetrics(rec, list, benign, fpKeys, scope)]),
    ),
    benign: Object.fromEntries([...byArchetype(benign)].map(([a, list]) => [a, benignMetrics(rec, list, start)])),
    hydra,
    pr_curve: downsample(
      prCurve(scoredOf(rec, keys)).map((p) => ({ recall: p.recall, precision: p.precision })),
      200,
    ),
    ttd_minutes: all.ttd_minutes,
  };
}
