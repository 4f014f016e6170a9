import { z } from 'zod';
import type { Alert } from '../../schemas/alert-v1.ts';

export const suppressionScopeSchema = z.enum(['key', 'org', 'feature']);

export const suppressionSchema = z.object({
  suppression_id: z.string(),
  scope: suppressionScopeSchema,
  /** The api_key_id, org_id or feature name the rule covers. */
  value: z.string(),
  reason: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  version: z.number(),
});
export type Suppression = z.infer<typeof suppressionSchema>;

type Matchable = Pick<Alert, 'api_key_ids' | 'org_ids' | 'reasons'>;

/** The feature with the largest share of the score; a feature rule covers alerts driven mainly by it. */
function topFeature(alert: Matchable): string | null {
  let best: { feature: string; contribution: number } | null = null;
  for (const r of alert.reasons) if (!best || r.contribution > best.contribution) best = r;
  return best?.feature ?? null;
}

function coversAll(values: string[], rules: Suppression[]): Suppression | null {
  if (values.length === 0) return null;
  const byValue = new Map(rules.map((r) => [r.value, r]));
  return values.every((v) => byValue.has(v)) ? (byValue.get(values[0]!) ?? null) : null;
}

/**
 * The active rule that suppresses `alert`, or null. A key (org) rule must cover every key (org) of the alert, so
 * allowlisting one member never hides a cluster; a feature rule matches the alert's top-contributing feature.
 */
export function matchingSuppression(alert: Matchable, rules: Suppression[], nowMs: number): Suppression | null {
  const active = rules.filter((r) => Date.parse(r.expires_at) > nowMs);
  const feature = topFeature(alert);
  return (
    coversAll(
      alert.api_key_ids,
      active.filter((r) => r.scope === 'key'),
    ) ??
    coversAll(
      alert.org_ids,
      active.filter((r) => r.scope === 'org'),
    ) ??
    active.find((r) => r.scope === 'feature' && r.value === feature) ??
    null
  );
}
