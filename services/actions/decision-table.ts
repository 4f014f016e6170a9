import type { ActiveAction, Decision, KeyAction, KeyActionState } from './action-schema.ts';

const ALLOW: Decision = Object.freeze({ decision: 'allow' });

type Enforcement = Pick<KeyAction, 'action' | 'rpm' | 'tpm'>;

function hasLimits(a: Enforcement): boolean {
  return a.rpm !== null || a.tpm !== null;
}

/** suspend (3) > anything with limits (2) > review without limits (1). */
export function strictness(a: Enforcement): number {
  if (a.action === 'suspend') return 3;
  return hasLimits(a) ? 2 : 1;
}

function minOf(values: Array<number | null>): number | undefined {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.min(...present) : undefined;
}

/** Effective action first: strictest, then latest expiry, then id for a stable order. */
export function orderActions(actions: ActiveAction[]): ActiveAction[] {
  return [...actions].sort(
    (a, b) =>
      strictness(b) - strictness(a) || b.expires_at_ms - a.expires_at_ms || a.action_id.localeCompare(b.action_id),
  );
}

function isActive(a: ActiveAction, nowMs: number): boolean {
  return a.expires_at_ms > nowMs;
}

/** The strictest limits of every limiting action; the decision may change when the first of them expires. */
function limitDecision(limited: ActiveAction[]): Decision {
  const first = limited[0]!;
  const rpm = minOf(limited.map((a) => a.rpm));
  const tpm = minOf(limited.map((a) => a.tpm));
  return {
    decision: 'limit',
    limits: { ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }) },
    reason: first.reason,
    expires_at: new Date(Math.min(...limited.map((a) => a.expires_at_ms))).toISOString(),
    action_id: first.action_id,
    action: first.action,
  };
}

function singleDecision(decision: 'deny' | 'allow', a: ActiveAction): Decision {
  return {
    decision,
    reason: a.reason,
    expires_at: new Date(a.expires_at_ms).toISOString(),
    action_id: a.action_id,
    action: a.action,
  };
}

/** Gateway decision over the key's active actions; expired ones are ignored even before the sweep removes them. */
export function decide(actions: ActiveAction[], nowMs: number): Decision {
  const active = actions.filter((a) => isActive(a, nowMs));
  if (active.length === 0) return ALLOW;
  const ordered = orderActions(active);
  const first = ordered[0]!;
  if (first.action === 'suspend') return singleDecision('deny', first);
  const limited = ordered.filter(hasLimits);
  if (limited.length) return limitDecision(limited);
  return singleDecision('allow', first);
}

/**
 * A key's state with its decision as last computed. The decision holds while `nowMs` is in [validFromMs,
 * validUntilMs): from the latest expiry among the actions it left out (already expired) to the earliest expiry among
 * those it counted (still active), since `decide` looks at nothing but which actions are active.
 */
interface Entry {
  state: KeyActionState;
  decision: Decision | null;
  validFromMs: number;
  validUntilMs: number;
}

/** The span of `nowMs` over which `decide(actions, nowMs)` gives the same answer. */
function validity(actions: ActiveAction[], nowMs: number): { validFromMs: number; validUntilMs: number } {
  let validFromMs = -Infinity;
  let validUntilMs = Infinity;
  for (const a of actions) {
    if (isActive(a, nowMs)) validUntilMs = Math.min(validUntilMs, a.expires_at_ms);
    else validFromMs = Math.max(validFromMs, a.expires_at_ms);
  }
  return { validFromMs, validUntilMs };
}

/**
 * The in-memory view of the compacted key-actions topic: one state per key with active actions. A gateway asks for
 * the same keys' decisions over and over, so each key keeps its last decision until an action of it expires or the
 * key's state changes.
 */
export class DecisionTable {
  private readonly entries = new Map<string, Entry>();

  apply(apiKeyId: string, state: KeyActionState | null): void {
    if (state === null) this.entries.delete(apiKeyId);
    else this.entries.set(apiKeyId, { state, decision: null, validFromMs: Infinity, validUntilMs: -Infinity });
  }

  get(apiKeyId: string): KeyActionState | null {
    return this.entries.get(apiKeyId)?.state ?? null;
  }

  decision(apiKeyId: string, nowMs: number): Decision {
    const entry = this.entries.get(apiKeyId);
    if (entry === undefined) return ALLOW;
    if (entry.decision !== null && nowMs >= entry.validFromMs && nowMs < entry.validUntilMs) return entry.decision;
    const { actions } = entry.state;
    const decision = Object.freeze(decide(actions, nowMs));
    Object.assign(entry, { decision }, validity(actions, nowMs));
    return decision;
  }

  /** Active actions on the key, effective first; null when none. */
  active(apiKeyId: string, nowMs: number): KeyActionState | null {
    const state = this.get(apiKeyId);
    const actions = state ? orderActions(state.actions.filter((a) => isActive(a, nowMs))) : [];
    return state && actions.length ? { ...state, actions } : null;
  }

  /** Keys holding at least one action that has expired by `nowMs`. */
  keysWithExpired(nowMs: number): string[] {
    const keys: string[] = [];
    for (const [key, { state }] of this.entries) if (state.actions.some((a) => !isActive(a, nowMs))) keys.push(key);
    return keys;
  }

  get size(): number {
    return this.entries.size;
  }
}
