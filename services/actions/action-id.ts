import { createHash, randomUUID } from 'node:crypto';
import type { EnforcementType } from './action-schema.ts';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Same alert, key and action → same id, so a redelivered alert never throttles twice. */
export function automaticActionId(alertId: string, apiKeyId: string, action: EnforcementType): string {
  return `act_${digest('auto', alertId, apiKeyId, action)}`;
}

/** Random, unless the caller sent an idempotency key: then a retry by the same actor on the same key finds the first. */
export function manualActionId(idempotency?: { apiKeyId: string; actor: string; key: string }): string {
  if (!idempotency) return `act_${randomUUID().replaceAll('-', '')}`;
  return `act_${digest('manual', idempotency.apiKeyId, idempotency.actor, idempotency.key)}`;
}

/** An action ends once, so the audit row of its end is keyed by the action it ends. */
export function endingActionId(kind: 'lift' | 'expire', targetActionId: string): string {
  return `${kind}_${digest(kind, targetActionId)}`;
}
