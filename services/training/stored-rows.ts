import { errors } from '../common/errors.ts';
import { MODEL_FEATURES } from '../detector/features/feature-roles.ts';
import { fnv1a32 } from '../ml/prng.ts';
import { type AnalystLabel, labelValue, verdictAt } from './analyst-labels.ts';
import { ARCHETYPE_CATEGORY, type LabelledSnapshot } from './snapshot-dataset.ts';
import type { AlertHistory, StoredVerdict } from './stored-alerts.ts';

/**
 * Maps a stored row's values to `features` by name (rows carry their own feature_names, so rows written by older
 * detectors line up); null when the row lacks one of them or its names and values differ in length.
 */
export function modelFeatureMapper(features: readonly string[] = MODEL_FEATURES) {
  const cache = new Map<string, number[] | null>();
  return (names: readonly string[], values: readonly number[]): number[] | null => {
    const signature = names.join(',');
    let index = cache.get(signature);
    if (index === undefined) {
      const position = new Map(names.map((name, i) => [name, i]));
      const mapped = features.map((name) => position.get(name) ?? -1);
      index = mapped.includes(-1) ? null : mapped;
      cache.set(signature, index);
    }
    return index && names.length === values.length ? index.map((i) => values[i]!) : null;
  };
}

/** The simulator archetype whose category an alert category is, so the category head learns it; null for none. */
function archetypeOf(category: string): string | null {
  return Object.entries(ARCHETYPE_CATEGORY).find(([, c]) => c === category)?.[0] ?? null;
}

type Verdict = AnalystLabel & { category: string };

/** Negative verdicts cover the key's whole history; a true positive holds from its alert's event time on. */
function asLabels(verdicts: readonly StoredVerdict[]): Verdict[] {
  return verdicts.map((v) => ({
    api_key_id: '',
    label: v.label,
    category: v.category,
    ...(v.label === 'true_positive' ? { ts: v.raisedAtMs } : {}),
  }));
}

export type StoredLabel =
  | { label: 0 | 1; archetype: string; neverAlerted: boolean }
  | { skip: 'before_true_positive' | 'unresolved_alert' };

/**
 * The label of a key's stored row at event time `ts`: the analysts' verdict in force, else 0 for a key never
 * alerted; rows of an alerted key with no verdict yet (or before its true-positive alert) are skipped.
 */
export function labelStoredRow(history: AlertHistory, apiKeyId: string, ts: number): StoredLabel {
  const verdicts = history.verdicts.get(apiKeyId);
  if (verdicts) {
    const verdict = verdictAt(asLabels(verdicts), ts) as Verdict | undefined;
    if (!verdict) return { skip: 'before_true_positive' };
    const label = labelValue(verdict.label);
    const archetype = label === 1 ? (archetypeOf(verdict.category) ?? 'true_positive') : verdict.label;
    return { label, archetype, neverAlerted: false };
  }
  if (history.alerted.has(apiKeyId)) return { skip: 'unresolved_alert' };
  return { label: 0, archetype: 'never_alerted', neverAlerted: true };
}

/**
 * A bounded, deterministic sample of whole keys: the keys with the lowest hash whose rows fit in the budget. Keys at
 * or above the cutoff hash are refused from then on, so the result does not depend on arrival order.
 */
export class KeySample {
  private readonly rows = new Map<string, LabelledSnapshot[]>();
  private size = 0;
  private cutoff = Number.POSITIVE_INFINITY;
  droppedRows = 0;

  constructor(private readonly maxRows: number) {}

  add(row: LabelledSnapshot): void {
    if (fnv1a32(row.apiKeyId) >= this.cutoff) {
      this.droppedRows++;
      return;
    }
    const list = this.rows.get(row.apiKeyId) ?? [];
    if (list.length === 0) this.rows.set(row.apiKeyId, list);
    list.push(row);
    // Shrinking to 90% leaves room, so the sort runs once per many rows rather than once per row.
    if (++this.size > this.maxRows) this.shrink(Math.floor(this.maxRows * 0.9));
  }

  /** The sampled rows, at most `max` of them. */
  take(max: number): LabelledSnapshot[] {
    if (this.size > max) this.shrink(max);
    return [...this.rows.values()].flat();
  }

  private shrink(target: number): void {
    const byHash = [...this.rows.keys()].map((key) => ({ key, hash: fnv1a32(key) }));
    byHash.sort((a, b) => b.hash - a.hash);
    for (const { key, hash } of byHash) {
      if (this.size <= target && hash < this.cutoff) break;
      const dropped = this.rows.get(key)!.length;
      this.rows.delete(key);
      this.size -= dropped;
      this.droppedRows += dropped;
      this.cutoff = Math.min(this.cutoff, hash);
    }
  }
}

export interface StoredSplits {
  train: LabelledSnapshot[];
  validation: LabelledSnapshot[];
  heldOut: LabelledSnapshot[];
}

/** Keys sorted by hash, the first ceil(share·n) of them: a stratum's validation keys. */
function firstByHash(keys: Iterable<string>, share: number): string[] {
  const sorted = [...keys].sort((a, b) => fnv1a32(a) - fnv1a32(b) || a.localeCompare(b));
  return sorted.slice(0, Math.ceil(share * sorted.length));
}

/**
 * Splits by TIME — rows at or after `cutoffMs` are held out — and holds back `validationShare` of the earlier keys
 * for calibration, stratified so validation has attack keys whenever training has two or more.
 */
export function splitStoredRows(rows: readonly LabelledSnapshot[], cutoffMs: number, share: number): StoredSplits {
  const before = rows.filter((r) => r.ts < cutoffMs);
  const positive = new Set(before.filter((r) => r.label === 1).map((r) => r.apiKeyId));
  const negative = new Set(before.filter((r) => !positive.has(r.apiKeyId)).map((r) => r.apiKeyId));
  const validation = new Set([...firstByHash(positive, share), ...firstByHash(negative, share)]);
  return {
    train: before.filter((r) => !validation.has(r.apiKeyId)),
    validation: before.filter((r) => validation.has(r.apiKeyId)),
    heldOut: rows.filter((r) => r.ts >= cutoffMs),
  };
}

export interface LabelCounts {
  positiveKeys: number;
  negativeKeys: number;
  positiveRows: number;
  negativeRows: number;
}

export function countLabels(rows: readonly LabelledSnapshot[]): LabelCounts {
  const positive = rows.filter((r) => r.label === 1);
  const negative = rows.filter((r) => r.label === 0);
  return {
    positiveKeys: new Set(positive.map((r) => r.apiKeyId)).size,
    negativeKeys: new Set(negative.map((r) => r.apiKeyId)).size,
    positiveRows: positive.length,
    negativeRows: negative.length,
  };
}

export interface LabelMinimums {
  /** Attack (true-positive) keys needed in the training period. */
  positiveKeys: number;
  /** Benign keys needed in the training period. */
  negativeKeys: number;
}

function describe(c: LabelCounts): string {
  return `${c.positiveKeys} attack key(s) / ${c.positiveRows} rows, ${c.negativeKeys} benign key(s) / ${c.negativeRows} rows`;
}

/** Refuses to train (DG_ERR_BAD_INPUT naming every count) when a period has too few labelled keys of a class. */
export function assertEnoughLabels(splits: StoredSplits, minimums: LabelMinimums, heldOutDays: number): void {
  const training = countLabels([...splits.train, ...splits.validation]);
  const heldOut = countLabels(splits.heldOut);
  const problems = [
    training.positiveKeys < minimums.positiveKeys &&
      `the training period needs ≥ ${minimums.positiveKeys} keys with a true-positive verdict`,
    training.negativeKeys < minimums.negativeKeys && `the training period needs ≥ ${minimums.negativeKeys} benign keys`,
    heldOut.positiveKeys < 1 && `the held-out last ${heldOutDays} day(s) need ≥ 1 key with a true-positive verdict`,
    heldOut.negativeKeys < 1 && `the held-out last ${heldOutDays} day(s) need ≥ 1 benign key`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length === 0) return;
  throw errors.badInput(
    `too few analyst-labelled keys to train: ${problems.join('; ')} (training period: ${describe(training)}; ` +
      `held out: ${describe(heldOut)}). Widen --from/--to, change --held-out-days or resolve more alerts.`,
  );
}
