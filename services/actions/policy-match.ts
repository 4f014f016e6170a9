import { type Alert, SEVERITY_RANK } from '../../schemas/alert-v1.ts';
import type { Policy, PolicyMode, PolicyRule } from './policy.ts';

export interface RuleMatch {
  rule: PolicyRule;
  mode: PolicyMode;
}

function ruleApplies(rule: PolicyRule, alert: Alert): boolean {
  const w = rule.when;
  const clusterSize = alert.api_key_ids.length;
  if (w.min_score !== undefined && alert.score < w.min_score) return false;
  if (w.min_severity !== undefined && SEVERITY_RANK[alert.severity] < SEVERITY_RANK[w.min_severity]) return false;
  if (w.kind !== undefined && !w.kind.includes(alert.kind)) return false;
  if (w.category !== undefined && !w.category.includes(alert.category)) return false;
  if (w.min_cluster_size !== undefined && clusterSize < w.min_cluster_size) return false;
  if (w.max_cluster_size !== undefined && clusterSize > w.max_cluster_size) return false;
  return true;
}

/** The first rule in file order whose conditions all hold, with its effective mode; null when none does. */
export function matchRule(policy: Policy, alert: Alert): RuleMatch | null {
  const rule = policy.rules.find((r) => ruleApplies(r, alert));
  return rule ? { rule, mode: rule.action.mode ?? policy.mode } : null;
}
