import type { Alert, AlertReason } from '../../../schemas/alert-v1.ts';

function number(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** "reasoning_phrase_share 0.67 (median 0.00, p99) via rule: rule cot…: >= 0.3" */
function formatReason(r: AlertReason): string {
  const context = [
    r.baseline === null ? null : `${r.scorer === 'baseline' ? 'own baseline' : 'cohort median'} ${number(r.baseline)}`,
    r.percentile === null ? null : `p${Math.round(r.percentile)}`,
  ].filter(Boolean);
  const share = `${Math.round(r.contribution * 100)}%`;
  return `${r.feature} ${number(r.value)}${context.length ? ` (${context.join(', ')})` : ''} — ${share} via ${r.scorer}${r.detail ? `: ${r.detail}` : ''}`;
}

/** A few readable lines per alert for a terminal: who, what, how bad, and the top reasons. */
export function formatAlert(alert: Alert, topReasons = 3): string {
  const when = alert.raised_at.replace('T', ' ').slice(0, 19);
  const keys =
    alert.api_key_ids.length === 1
      ? alert.api_key_ids[0]
      : `${alert.api_key_ids.length} keys (${alert.api_key_ids.slice(0, 3).join(', ')}, …)`;
  const head = `[${when}] ${alert.severity.toUpperCase().padEnd(8)} ${alert.kind} ${alert.category}  ${keys}  score ${alert.score.toFixed(2)}${alert.escalates ? '  (escalation)' : ''}`;
  const reasons = alert.reasons.slice(0, topReasons).map((r) => `      ${formatReason(r)}`);
  return [head, ...reasons].join('\n');
}
