import type { AlertReason } from '../../../schemas/alert-v1.ts';
import { FEATURE_INDEX } from '../features/feature-names.ts';
import { reasonFor } from './reasons.ts';
import type { Check, Condition, Rule } from './rules.ts';
import type { ScoreInput, Scorer, ScorerResult } from './scorer.ts';

/** A fired rule scores at least this; how far past its thresholds the features are fills the rest up to 1. */
export const RULE_FLOOR = 0.6;

/** 0 at the threshold, 1 at saturation, NaN for a gate; null when the condition does not hold. */
function strength(c: Condition, value: number): number | null {
  const holds = c.op === '>=' ? value >= c.threshold : value <= c.threshold;
  if (!holds) return null;
  const span = c.saturate - c.threshold;
  return span === 0 ? Number.NaN : Math.min(1, Math.max(0, (value - c.threshold) / span));
}

/** Mean strength of the graded (non-gate) conditions. */
function meanStrength(met: Met[]): number {
  const graded = met.filter((m) => !Number.isNaN(m.strength));
  return graded.length ? graded.reduce((a, m) => a + m.strength, 0) / graded.length : 0;
}

interface Met {
  condition: Condition;
  strength: number;
}

const graded = (m: Met) => (Number.isNaN(m.strength) ? 0 : m.strength);

/** A condition, or the strongest holding alternative of a group; null when nothing holds. */
function check(c: Check, features: Float64Array): Met | null {
  const alternatives = Array.isArray(c) ? c : [c];
  let best: Met | null = null;
  for (const condition of alternatives) {
    const s = strength(condition, features[FEATURE_INDEX[condition.feature]]!);
    if (s !== null && (best === null || graded({ condition, strength: s }) > graded(best)))
      best = { condition, strength: s };
  }
  return best;
}

function isEvidence(c: Condition): boolean {
  return !(c.op === '<=' && c.saturate === c.threshold);
}

function evaluate(rule: Rule, features: Float64Array): Met[] | null {
  const met: Met[] = [];
  for (const c of rule.all) {
    const m = check(c, features);
    if (m === null) return null;
    met.push(m);
  }
  return met;
}

function explain(input: ScoreInput, rule: Rule, met: Met[]): AlertReason[] {
  const weights = met.map((m) => (Number.isNaN(m.strength) ? 0.25 : 0.5 + m.strength));
  const total = weights.reduce((a, b) => a + b, 0);
  return met.map((m, i) => {
    const f = FEATURE_INDEX[m.condition.feature];
    const median = input.population ? input.population.median(f) : null;
    const detail = `${rule.name}: ${m.condition.op} ${m.condition.threshold}`;
    return reasonFor(input, f, 'rule', weights[i]! / total, median, detail);
  });
}

/**
 * Threshold rules (configurable) over the feature vector. The first fired rule (rules are ordered most specific
 * first) names the category and gives the reasons; the score is the highest of all fired rules. When every rule that
 * fired has a ceiling, `ambiguousOn` lists the features they read.
 */
export function createRuleScorer(rules: Rule[]): Scorer {
  /**
   * The features each rule with a ceiling reads as evidence, listed once rather than on every snapshot it fires on.
   * An upper-bound gate (`<=`, saturate at the threshold) excludes a workload and is no evidence: the router pattern's
   * "a minority of the prompts are harvesting instructions" must not stop the classifier's reading of those prompts
   * from counting as a second kind of evidence.
   */
  const reads = new Map(
    rules.map((rule) => [
      rule,
      [
        ...new Set(
          rule.all
            .flat()
            .filter(isEvidence)
            .map((c) => c.feature),
        ),
      ],
    ]),
  );
  return {
    name: 'rule',
    score(input: ScoreInput): ScorerResult {
      let result: ScorerResult = { score: 0, reasons: [] };
      let unambiguous = false;
      let ambiguousOn: Set<string> | undefined;
      for (const rule of rules) {
        const met = evaluate(rule, input.features);
        if (!met) continue;
        const floor = rule.floor ?? RULE_FLOOR;
        const score = Math.min(rule.ceiling ?? 1, floor + (1 - floor) * meanStrength(met));
        if (rule.ceiling === undefined) unambiguous = true;
        else if (!unambiguous) {
          ambiguousOn ??= new Set();
          for (const feature of reads.get(rule)!) ambiguousOn.add(feature);
        }
        if (!result.category) result = { score, reasons: explain(input, rule, met), category: rule.category };
        else result.score = Math.max(result.score, score);
      }
      if (!unambiguous && ambiguousOn) result.ambiguousOn = [...ambiguousOn];
      return result;
    },
  };
}
