import { FEATURE_INDEX, FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { isContextFeature } from '../../../services/detector/features/feature-roles.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** A UTC midnight: the first day of the seeded traffic. */
export const T0 = Date.UTC(2026, 10, 1);

/** Context features carry this marker, so a test can see that none reached a model row. */
export const CONTEXT_MARKER = 999;

/** A feature's stored value: distinct per feature, higher for attack keys, varying with time. */
export function featureValue(name: string, attack: boolean, ts: number): number {
  if (isContextFeature(name)) return CONTEXT_MARKER;
  if (!(name in FEATURE_INDEX)) return 0.5;
  return (FEATURE_INDEX[name as keyof typeof FEATURE_INDEX] + 1) * (attack ? 3 : 1) + (ts % 7) / 10;
}

export interface FeatureRowSpec {
  key: string;
  ts: number;
  attack?: boolean;
  names?: readonly string[];
  score?: number;
  /** Omitted: the row is written as by a detector before migration 0006. */
  evidence?: number;
}

export function featureRow(spec: FeatureRowSpec): Record<string, unknown> {
  const names = spec.names ?? FEATURE_NAMES;
  const row: Record<string, unknown> = {
    api_key_id: spec.key,
    org_id: `org_${spec.key}`,
    model: 'm',
    ts: Math.floor(spec.ts / 1000),
    ts_ms: spec.ts,
    feature_names: names,
    feature_values: names.map((n) => featureValue(n, spec.attack ?? false, spec.ts)),
    score: spec.score ?? 0.1,
  };
  if (spec.evidence !== undefined) row.evidence = spec.evidence;
  return row;
}

/** Rows every 5 minutes from 10:00 to 10:55 UTC on each day: 12 stored, 6 after thinning to 10 minutes. */
export function dailyRows(key: string, days: readonly number[], extra: Partial<FeatureRowSpec> = {}) {
  return days.flatMap((day) =>
    Array.from({ length: 12 }, (_, i) =>
      featureRow({ key, ts: T0 + day * DAY + 10 * HOUR + i * 5 * MINUTE, ...extra }),
    ),
  );
}

export interface AlertSpec {
  id: string;
  keys: string[];
  raisedAtMs: number;
  status: 'open' | 'acknowledged' | 'resolved';
  label?: 'true_positive' | 'false_positive' | 'benign_heavy_user';
  category?: string;
  severity?: string;
}

export function alertRow(spec: AlertSpec): Record<string, unknown> {
  return {
    alert_id: spec.id,
    kind: 'key',
    api_key_ids: spec.keys,
    org_ids: spec.keys.map((k) => `org_${k}`),
    score: 0.8,
    severity: spec.severity ?? 'high',
    category: spec.category ?? 'bulk_distillation',
    raised_at: Math.floor(spec.raisedAtMs / 1000),
    raised_at_ms: spec.raisedAtMs,
    reasons: '[]',
    evidence_event_ids: [],
    escalates: '',
    status: spec.status,
    assignee: '',
    label: spec.label ?? '',
    note: '',
    suppressed: 0,
    updated_at: Math.floor(spec.raisedAtMs / 1000),
    version: 1,
  };
}
