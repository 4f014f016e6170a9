import type { AlertReason, Severity } from '../../../schemas/alert-v1.ts';
import { LazyReasons } from '../../common/lazy-reasons.ts';
import { evidenceFamily } from '../features/evidence-families.ts';
import { round } from './reasons.ts';
import type { AlertCategory, ScoreInput, Scorer, ScorerResult } from './scorer.ts';

/**
 * How much each scorer can move its part of the score on its own (noisy-OR weights). Rules and the classifier read
 * extraction *behaviour* and form the evidence part; population, baseline and autoencoder say only "unusual" — legitimate
 * heavy users are outliers too — and form the anomaly part, which can raise an alert's priority but never raise one.
 * The two model weights are configurable (DG_DETECTOR_WEIGHT_*).
 */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  rule: 1,
  classifier: 0.75,
  population: 0.35,
  baseline: 0.35,
  autoencoder: 0.35,
};

/** Scorers whose score is extraction evidence; every other scorer is anomaly (context for priority only). */
const EVIDENCE_SCORERS = new Set(['rule', 'classifier']);
const OTHER_WEIGHT = 0.35;
/** Share of the remaining headroom an alert's anomaly part can add to its score (priority, not a trigger). */
const ANOMALY_BOOST = 0.5;
/** Anomaly at or above this with no extraction evidence is raised as informational (`low`, category anomaly). */
export const INFORMATIONAL_ANOMALY = 0.7;
const MAX_REASONS = 6;

/** Scores from which an alert has each severity; `medium` is the alert threshold (see calibration.ts). */
export interface SeverityThresholds {
  medium: number;
  high: number;
  critical: number;
}

export const DEFAULT_SEVERITY_THRESHOLDS: SeverityThresholds = { medium: 0.6, high: 0.75, critical: 0.9 };

export interface EnsembleResult {
  score: number;
  severity: Severity;
  category: AlertCategory;
  reasons: AlertReason[];
  /** Each scorer's raw score, by name (for key_features debugging and the models). */
  parts: Record<string, number>;
  /** Noisy-OR of the evidence scorers: what the alert threshold is calibrated on. */
  evidence: number;
  /** Noisy-OR of the anomaly scorers. */
  anomaly: number;
  /** True when nothing but anomaly speaks for the key: an informational finding, never queued or enforced. */
  informational: boolean;
}

export function severityOf(score: number, t: SeverityThresholds = DEFAULT_SEVERITY_THRESHOLDS): Severity {
  if (score >= t.critical) return 'critical';
  if (score >= t.high) return 'high';
  if (score >= t.medium) return 'medium';
  return 'low';
}

interface Part {
  name: string;
  weighted: number;
  result: ScorerResult;
}

function pickCategory(parts: Part[]): AlertCategory {
  const named = parts
    .filter((p) => p.result.category && p.weighted > 0 && EVIDENCE_SCORERS.has(p.name))
    .sort((a, b) => Number(b.name === 'rule') - Number(a.name === 'rule') || b.weighted - a.weighted);
  return named[0]?.result.category ?? 'anomaly';
}

/**
 * Reasons of the given scorers, each contribution scaled by its scorer's share of their combined weight; a feature
 * named by several scorers becomes one reason (contributions added, the strongest scorer's value and detail kept).
 */
export function mergeReasons(parts: readonly Part[]): AlertReason[] {
  const total = parts.reduce((sum, p) => sum + p.weighted, 0);
  if (total === 0) return [];
  const byFeature = new Map<string, { reason: AlertReason; top: number; scorers: string[] }>();
  for (const p of parts) {
    for (const r of p.result.reasons) {
      const share = (r.contribution * p.weighted) / total;
      const seen = byFeature.get(r.feature);
      if (!seen) {
        byFeature.set(r.feature, { reason: { ...r, contribution: share }, top: share, scorers: [r.scorer] });
        continue;
      }
      seen.reason.contribution += share;
      if (!seen.scorers.includes(r.scorer)) seen.scorers.push(r.scorer);
      if (share > seen.top) {
        seen.top = share;
        seen.reason = { ...r, contribution: seen.reason.contribution };
      }
    }
  }
  return [...byFeature.values()]
    .map(({ reason, scorers }) => ({ ...reason, scorer: scorers.join('+'), contribution: round(reason.contribution) }))
    .sort((a, b) => b.contribution - a.contribution || a.feature.localeCompare(b.feature))
    .slice(0, MAX_REASONS);
}

/** An ensemble result whose reasons are merged when an alert reads them: most snapshots raise none. */
class EnsembleScore extends LazyReasons<AlertReason[]> implements EnsembleResult {
  readonly score: number;
  readonly severity: Severity;
  readonly category: AlertCategory;
  readonly parts: Record<string, number>;
  readonly evidence: number;
  readonly anomaly: number;
  readonly informational: boolean;

  constructor(
    result: Omit<EnsembleResult, 'reasons'>,
    /** The parts the reasons are merged from: all of them for an alert, else the part that spoke. */
    private readonly explained: readonly Part[],
  ) {
    super();
    this.score = result.score;
    this.severity = result.severity;
    this.category = result.category;
    this.parts = result.parts;
    this.evidence = result.evidence;
    this.anomaly = result.anomaly;
    this.informational = result.informational;
  }

  protected explain(): AlertReason[] {
    return mergeReasons(this.explained);
  }
}

/**
 * How much of the tfjs classifier's score counts as evidence (0–1). It corroborates a rule; it does not stand in for
 * one. Next to a rule that fired without a ceiling it counts fully. Next to an ambiguous pattern alone (rules with a
 * ceiling: bulk harvest on volume and output shape, reasoning phrases at volume, a router's mixed shape, languages)
 * only the share of its reasons that are *other* kinds of evidence than the pattern read counts (evidence-families.ts):
 * a classifier that says "outputs are long for short prompts" next to a rule that said the same adds nothing. With no
 * rule at all it counts for nothing. Why: it learnt its labels from simulated traffic, and on tuning sets with
 * document pipelines and homework helpers that send bare prompts (2026-12-05) it turned 9 document-pipeline keys into
 * alerts through `bulk_harvest` on out/in and prompt length while adding no detected attack key there or on held-out
 * r4; next to a router's mixed shape it reads the flagged prompts' sub-stream (resellers, a different kind of sign).
 * Its reasons are worked out only when a lone ambiguous pattern fired.
 */
function classifierShare(rule: Part | undefined, classifier: Part): number {
  if (rule === undefined || rule.weighted <= 0 || classifier.weighted <= 0) return 0;
  const read = rule.result.ambiguousOn;
  if (read === undefined) return 1;
  const families = new Set(read.map(evidenceFamily));
  let independent = 0;
  for (const r of classifier.result.reasons)
    if (!families.has(evidenceFamily(r.feature))) independent += r.contribution;
  return Math.min(1, independent);
}

/** The parts with the classifier's weight scaled by classifierShare (and left out when nothing of it counts). */
function corroborating(scored: Part[]): Part[] {
  const classifier = scored.find((p) => p.name === 'classifier');
  if (!classifier) return scored;
  const share = classifierShare(
    scored.find((p) => p.name === 'rule'),
    classifier,
  );
  if (share >= 1) return scored;
  return share > 0
    ? scored.map((p) => (p === classifier ? { ...p, weighted: p.weighted * share } : p))
    : scored.filter((p) => p !== classifier);
}

function noisyOr(parts: readonly Part[]): number {
  let miss = 1;
  for (const p of parts) miss *= 1 - p.weighted;
  return 1 - miss;
}

/**
 * Runs every scorer; the evidence part (rules, and the classifier as far as it corroborates them: classifierShare)
 * decides whether there is an alert at all, the anomaly part only raises an alert's score within its remaining
 * headroom. Severity comes from the (calibrated) thresholds.
 */
export function createEnsemble(
  scorers: Scorer[],
  weights: Readonly<Record<string, number>> = DEFAULT_WEIGHTS,
  thresholds: () => SeverityThresholds = () => DEFAULT_SEVERITY_THRESHOLDS,
) {
  return {
    scorers,
    score(input: ScoreInput): EnsembleResult {
      const scored: Part[] = scorers.map((scorer) => {
        const result = scorer.score(input);
        const weight = weights[scorer.name] ?? OTHER_WEIGHT;
        return { name: scorer.name, weighted: Math.min(1, Math.max(0, result.score)) * weight, result };
      });
      const parts = corroborating(scored);
      const evidenceParts = parts.filter((p) => EVIDENCE_SCORERS.has(p.name));
      const anomalyParts = parts.filter((p) => !EVIDENCE_SCORERS.has(p.name));
      const evidence = noisyOr(evidenceParts);
      const anomaly = noisyOr(anomalyParts);
      const t = thresholds();
      const alerting = evidence >= t.medium;
      const score = round(alerting ? evidence + (1 - evidence) * ANOMALY_BOOST * anomaly : evidence);
      const informational = !alerting && anomaly >= INFORMATIONAL_ANOMALY;
      const raw: Record<string, number> = {};
      for (const p of scored) raw[p.name] = round(p.result.score);
      const explained = alerting ? parts : informational ? anomalyParts : evidenceParts;
      return new EnsembleScore(
        {
          score,
          severity: severityOf(score, t),
          category: alerting ? pickCategory(parts) : 'anomaly',
          parts: raw,
          evidence: round(evidence),
          anomaly: round(anomaly),
          informational,
        },
        explained,
      );
    },
  };
}
