import type { AlertReason } from '../../schemas/alert-v1.ts';
import type { EvidenceIndex } from './evidence-index.ts';
import type { RarityScale } from './evidence-weights.ts';
import type { KeyEvidence } from './key-evidence.ts';
import type { KeyProfile } from './key-profile.ts';
import { scheduleCorrelation } from './schedule.ts';
import { type SharedValue, topShared } from './shared-evidence.ts';

/** Share of the cluster score each factor can reach; they sum to 1. */
const WEIGHTS = { content: 0.3, infra: 0.15, timing: 0.15, size: 0.15, orgs: 0.15, volume: 0.1 } as const;
/** An evidence dimension counts towards the two an alert needs from this strength on. */
const DIMENSION_FLOOR = 0.3;

export interface ClusterMember {
  profile: KeyProfile;
  evidence: KeyEvidence;
}

export interface ClusterContext {
  index: EvidenceIndex;
  scale: RarityScale;
  /** False until the stream spans a day: before that every key's hours are cut to the same window. */
  scheduleKnown: boolean;
  /** 90th percentile of events per key over all tracked keys. */
  populationP90Events: number;
  /** Human-readable form of an evidence token (template family fingerprint, ASN, ...). */
  describe(token: string): string;
}

export interface ClusterScore {
  score: number;
  orgs: number;
  /** Evidence dimensions (content, infra, timing) at or above the floor. */
  dimensions: number;
  reasons: AlertReason[];
}

interface Term {
  feature: string;
  value: number;
  baseline: number | null;
  weighted: number;
  detail: string;
}

function sharedTerm(feature: string, shared: SharedValue | null, weight: number, ctx: ClusterContext, n: number) {
  if (!shared) return null;
  const detail = `${ctx.describe(shared.token)}: ${shared.keys} of ${n} keys; ${shared.background} keys outside`;
  return { feature, value: shared.keys, baseline: shared.background, weighted: weight * shared.strength, detail };
}

/** The stronger of two shared values of one dimension carries the weight; the other is still listed. */
function dimensionTerms(a: Term | null, b: Term | null): Term[] {
  const [strong, weak] = (a?.weighted ?? 0) >= (b?.weighted ?? 0) ? [a, b] : [b, a];
  return [strong, weak ? { ...weak, weighted: 0 } : null].filter((t): t is Term => t !== null);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function patternTerms(members: readonly ClusterMember[], ctx: ClusterContext): Term[] {
  const n = members.length;
  const orgs = new Set(members.map((m) => m.profile.orgId)).size;
  const events = members.map((m) => m.profile.events);
  const ordinary = events.filter((e) => e <= ctx.populationP90Events).length / n;
  return [
    {
      feature: 'cluster_size',
      value: n,
      baseline: null,
      weighted: WEIGHTS.size * Math.min(1, Math.log(n) / Math.log(100)),
      detail: `${n} keys linked`,
    },
    {
      feature: 'org_spread',
      value: orgs,
      baseline: null,
      weighted: WEIGHTS.orgs * Math.min(1, (orgs - 1) / 9),
      detail: `${orgs} distinct orgs`,
    },
    {
      feature: 'low_per_key_volume',
      value: median(events),
      baseline: ctx.populationP90Events,
      weighted: WEIGHTS.volume * ordinary,
      detail: `median events per member; ${Math.round(ordinary * 100)}% of members at or below the population p90`,
    },
  ];
}

function timingTerm(members: readonly ClusterMember[], known: boolean): Term {
  const correlation = known ? scheduleCorrelation(members.map((m) => m.profile.hours)) : 0;
  const pooled = new Array<number>(24).fill(0);
  for (const m of members) {
    for (let h = 0; h < 24; h++) pooled[h] = pooled[h]! + m.profile.hours[h]!;
  }
  const peak = pooled.reduce((best, v, h) => (v > pooled[best]! ? h : best), 0);
  return {
    feature: 'synchronised_schedule',
    value: correlation,
    baseline: null,
    weighted: WEIGHTS.timing * correlation,
    detail: known
      ? `mean hour-of-day correlation with the other members; busiest hour ${peak}:00 UTC`
      : 'not judged before the stream spans a day',
  };
}

function toReason(term: Term, score: number): AlertReason {
  return {
    feature: term.feature,
    value: term.value,
    baseline: term.baseline,
    percentile: null,
    contribution: score > 0 ? term.weighted / score : 0,
    scorer: 'coordination',
    detail: term.detail,
  };
}

/**
 * Scores a linked group as one actor: shared content, infrastructure and schedule (each weighted by rarity outside
 * the group), size, spread across orgs, and members each staying at ordinary volume (the hydra pattern).
 */
export function scoreCluster(members: readonly ClusterMember[], ctx: ClusterContext): ClusterScore {
  const n = members.length;
  const evidence = members.map((m) => m.evidence);
  const shared = (kind: string) => topShared(evidence, kind, ctx.index, ctx.scale);
  const content = dimensionTerms(
    sharedTerm('shared_template_keys', shared('t'), WEIGHTS.content, ctx, n),
    sharedTerm('shared_system_prompt', shared('s'), WEIGHTS.content, ctx, n),
  );
  const infra = dimensionTerms(
    sharedTerm('shared_asn', shared('a'), WEIGHTS.infra, ctx, n),
    sharedTerm('shared_ip_prefix', shared('p'), WEIGHTS.infra, ctx, n),
  );
  const timing = timingTerm(members, ctx.scheduleKnown);
  const terms = [...content, ...infra, timing, ...patternTerms(members, ctx)];
  const score = Math.min(
    1,
    terms.reduce((sum, t) => sum + t.weighted, 0),
  );
  const strength = (t: Term | undefined, weight: number) => (t ? t.weighted / weight : 0);
  const dimensions = [strength(content[0], WEIGHTS.content), strength(infra[0], WEIGHTS.infra), timing.value].filter(
    (s) => s >= DIMENSION_FLOOR,
  ).length;
  const reasons = terms.map((t) => toReason(t, score)).sort((a, b) => b.contribution - a.contribution);
  const orgs = new Set(members.map((m) => m.profile.orgId)).size;
  return { score, orgs, dimensions, reasons };
}
