import type { AlertReason } from '../../schemas/alert-v1.ts';
import type { EvidenceIndex } from './evidence-index.ts';
import type { RarityScale } from './evidence-weights.ts';
import { extractionTerms, type PopulationVolume } from './extraction-shape.ts';
import type { KeyEvidence } from './key-evidence.ts';
import type { KeyProfile } from './key-profile.ts';
import { scheduleCorrelation } from './key-schedule.ts';
import { type SharedValue, topSharedValues } from './shared-evidence.ts';

/** How much each factor weighs inside "one actor" (sums to 1); extraction shape is scored on its own. */
const ACTOR = { content: 0.4, cohesion: 0.15, orgs: 0.2, size: 0.15, infra: 0.05, timing: 0.05 } as const;
/** Parts of each half at which the evidence counts as complete: careful networks never show every sign at once. */
const FULL_ACTOR = 0.9;
const FULL_EXTRACTION = 0.85;
/** Orgs and keys at which spread and size count in full (hydra networks run tens of keys over tens of orgs). */
const FULL_ORGS = 20;
const FULL_SIZE = 30;
/** A content sketch counts as agreeing from this strength (coverage × rarity) on. */
const SKETCH_FLOOR = 0.3;
/** Content backed by one sketch only counts this much. */
const SINGLE_SKETCH = 0.6;

export interface ClusterMember {
  profile: KeyProfile;
  evidence: KeyEvidence;
}

export interface ClusterContext {
  index: EvidenceIndex;
  scale: RarityScale;
  /** False until the stream spans a day: before that every key's hours are cut to the same window. */
  scheduleKnown: boolean;
  population: PopulationVolume;
  /** Event time of stage 2's first event: keys seen from then on are not new to it. */
  startedAt: number;
  /** Human-readable form of an evidence token (template family fingerprint, ASN, ...). */
  describe(token: string): string;
}

export interface ClusterScore {
  /** Geometric mean of one actor and extraction shape (each relative to its complete level): both must be high. */
  score: number;
  orgs: number;
  /** Independent content sketches (templates, system prompt, vocabulary) most members share. */
  contentSketches: number;
  /** How strongly the cluster's aggregate behaves like extraction, 0–1. */
  extraction: number;
  cohesion: number;
  reasons: AlertReason[];
}

export interface Term {
  feature: string;
  value: number;
  baseline: number | null;
  /** Weighted part (0–weight) of its half of the score. */
  weighted: number;
  detail: string;
}

/** The most shared value of one kind among the members. */
function topShared(evidence: readonly KeyEvidence[], kind: string, ctx: ClusterContext): SharedValue | null {
  return topSharedValues(evidence, kind, ctx.index, ctx.scale, 1)[0] ?? null;
}

function sharedTerm(feature: string, shared: SharedValue | null, ctx: ClusterContext, n: number): Term | null {
  if (!shared) return null;
  const detail = `${ctx.describe(shared.token)}: ${shared.keys} of ${n} keys; ${shared.orgs} orgs in all carry it`;
  return { feature, value: shared.keys, baseline: shared.background, weighted: shared.strength, detail };
}

/**
 * Shared content: the two most shared template families (two templates of one operator are independent signs), the
 * system prompt and the vocabulary. Sketches that agree combine like independent evidence (1 − Π(1 − strength)).
 */
function contentTerms(evidence: KeyEvidence[], ctx: ClusterContext): { terms: Term[]; sketches: number } {
  const n = evidence.length;
  const templates = topSharedValues(evidence, 't', ctx.index, ctx.scale, 2);
  const found: Term[] = [
    ...templates.map((t, i) => sharedTerm(i === 0 ? 'shared_template_keys' : 'shared_second_template', t, ctx, n)),
    sharedTerm('shared_system_prompt', topShared(evidence, 's', ctx), ctx, n),
    sharedTerm('shared_vocabulary', topShared(evidence, 'v', ctx), ctx, n),
  ].filter((t): t is Term => t !== null);
  const agreeing = found.filter((t) => t.weighted >= SKETCH_FLOOR);
  const best = Math.max(0, ...found.map((t) => t.weighted));
  const combined = agreeing.length >= 2 ? 1 - agreeing.reduce((p, t) => p * (1 - t.weighted), 1) : best * SINGLE_SKETCH;
  const content = ACTOR.content * combined;
  // Agreeing sketches share the weight in proportion to their strength; the others are listed for the analyst.
  const total = agreeing.length >= 2 ? agreeing.reduce((sum, t) => sum + t.weighted, 0) : best;
  const terms = found.map((t) => {
    const counts = agreeing.length >= 2 ? agreeing.includes(t) : t.weighted === best;
    return { ...t, weighted: counts && total > 0 ? (content * t.weighted) / total : 0 };
  });
  return { terms, sketches: agreeing.length };
}

function infraTerms(evidence: KeyEvidence[], ctx: ClusterContext): Term[] {
  const n = evidence.length;
  const asn = sharedTerm('shared_asn', topShared(evidence, 'a', ctx), ctx, n);
  const prefix = sharedTerm('shared_ip_prefix', topShared(evidence, 'p', ctx), ctx, n);
  const [strong, weak] = (asn?.weighted ?? 0) >= (prefix?.weighted ?? 0) ? [asn, prefix] : [prefix, asn];
  return [
    strong ? { ...strong, weighted: ACTOR.infra * strong.weighted } : null,
    weak ? { ...weak, weighted: 0 } : null,
  ].filter((t): t is Term => t !== null);
}

function timingTerm(members: readonly ClusterMember[], known: boolean): Term {
  const correlation = known ? scheduleCorrelation(members.map((m) => m.profile.hours)) : 0;
  return {
    feature: 'synchronised_schedule',
    value: correlation,
    baseline: null,
    weighted: ACTOR.timing * correlation,
    detail: known
      ? 'mean hour-of-day correlation of each member with the others'
      : 'not judged before the stream spans a day',
  };
}

function shapeTerms(members: readonly ClusterMember[], cohesion: number): Term[] {
  const n = members.length;
  const orgs = new Set(members.map((m) => m.profile.orgId)).size;
  return [
    {
      feature: 'cluster_cohesion',
      value: cohesion,
      baseline: null,
      weighted: ACTOR.cohesion * cohesion,
      detail: 'mean share of the cluster each member shares a content pair with (1: one clique)',
    },
    {
      feature: 'cluster_size',
      value: n,
      baseline: null,
      weighted: ACTOR.size * Math.min(1, Math.log(n) / Math.log(FULL_SIZE)),
      detail: `${n} keys linked`,
    },
    {
      feature: 'org_spread',
      value: orgs,
      baseline: null,
      weighted: ACTOR.orgs * Math.min(1, (orgs - 1) / (FULL_ORGS - 1)),
      detail: `${orgs} distinct orgs`,
    },
  ];
}

function toReason(term: Term, total: number): AlertReason {
  return {
    feature: term.feature,
    value: term.value,
    baseline: term.baseline,
    percentile: null,
    contribution: total > 0 ? term.weighted / total : 0,
    scorer: 'coordination',
    detail: term.detail,
  };
}

/**
 * Scores a linked group on two questions that must both hold for a hydra network: is it one actor (rare shared
 * content, cohesion, spread over orgs; infrastructure and schedule only add), and does its aggregate behave like
 * extraction (see extraction-shape.ts). The score is their geometric mean, so neither alone reaches an alert.
 */
export function scoreCluster(members: readonly ClusterMember[], cohesion: number, ctx: ClusterContext): ClusterScore {
  const evidence = members.map((m) => m.evidence);
  const content = contentTerms(evidence, ctx);
  const actorTerms = [
    ...content.terms,
    ...infraTerms(evidence, ctx),
    timingTerm(members, ctx.scheduleKnown),
    ...shapeTerms(members, cohesion),
  ];
  const shape = extractionTerms(
    members.map((m) => m.profile),
    ctx.population,
    ctx.startedAt,
  );
  const actor = Math.min(
    1,
    actorTerms.reduce((sum, t) => sum + t.weighted, 0),
  );
  const extraction = Math.min(
    1,
    shape.reduce((sum, t) => sum + t.weighted, 0),
  );
  const score = Math.sqrt(Math.min(1, actor / FULL_ACTOR) * Math.min(1, extraction / FULL_EXTRACTION));
  const terms = [...actorTerms, ...shape];
  const total = actor + extraction;
  const reasons = terms.map((t) => toReason(t, total)).sort((a, b) => b.contribution - a.contribution);
  const orgs = new Set(members.map((m) => m.profile.orgId)).size;
  return { score, orgs, contentSketches: content.sketches, extraction, cohesion, reasons };
}
