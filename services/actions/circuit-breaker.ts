import type { BreakerStatus } from './action-schema.ts';

export interface BreakerLimits {
  maxPerWindow: number;
  maxPerOrgPerWindow: number;
  windowMs: number;
}

export interface BreakerTrip {
  /** `overall` or `org:<org_id>`. */
  scope: string;
  count: number;
  limit: number;
  at_ms: number;
}

export type BreakerVerdict = { allowed: true } | { allowed: false; reason: string };

function windowCount(count: number, limit: number) {
  return { count, limit, tripped: count >= limit };
}

interface Entry {
  actionId: string;
  /** The decision (alert) the entry belongs to: the overall limit counts decisions, an org's limit its entries. */
  decisionId: string;
  orgId: string;
  atMs: number;
}

/**
 * Sliding-window cap on automatic enforcements, overall and per org. Entries are keyed by action id, so a
 * redelivered alert or the same action seen again on the key-actions topic is counted once. Overall, entries of one
 * decision count once (a cluster alert over keys of 30 orgs is one decision, and one entry in each org's window).
 */
export class CircuitBreaker {
  /** In order of `atMs`, so pruning removes a prefix; counts per decision and org are kept alongside. */
  private entries: Entry[] = [];
  private readonly ids = new Set<string>();
  private readonly decisions = new Map<string, number>();
  private readonly orgs = new Map<string, number>();
  private readonly trippedScopes = new Set<string>();
  private lastTrippedAtMs: number | null = null;
  private heldBack = 0;

  constructor(
    private readonly limits: BreakerLimits,
    private readonly onTrip: (trip: BreakerTrip) => void = () => {},
  ) {}

  /**
   * Counts the action if both windows have room; otherwise refuses and says which limit is full. A decision already
   * counted overall (another org of the same cluster alert) needs room in its org's window only.
   */
  tryAcquire(actionId: string, orgId: string, nowMs: number, decisionId = actionId): BreakerVerdict {
    this.prune(nowMs);
    if (this.ids.has(actionId)) return { allowed: true };
    const full = this.fullScope(orgId, decisionId);
    if (full) {
      this.heldBack++;
      return { allowed: false, reason: `circuit breaker open: ${full}` };
    }
    this.record(actionId, orgId, nowMs, nowMs, decisionId);
    return { allowed: true };
  }

  /** Counts an automatic action another instance took (seen on the key-actions topic). */
  record(actionId: string, orgId: string, atMs: number, nowMs: number, decisionId = actionId): void {
    this.prune(nowMs);
    if (this.ids.has(actionId) || atMs <= nowMs - this.limits.windowMs) return;
    this.ids.add(actionId);
    this.insert({ actionId, decisionId, orgId, atMs });
    bump(this.decisions, decisionId, 1);
    bump(this.orgs, orgId, 1);
    this.checkTrips(orgId, atMs);
  }

  status(nowMs: number): BreakerStatus {
    this.prune(nowMs);
    const overall = windowCount(this.decisions.size, this.limits.maxPerWindow);
    const orgs = [...this.orgs]
      .map(([org_id, count]) => ({ org_id, ...windowCount(count, this.limits.maxPerOrgPerWindow) }))
      .sort((a, b) => b.count - a.count || a.org_id.localeCompare(b.org_id));
    return {
      open: overall.tripped || orgs.some((o) => o.tripped),
      window_ms: this.limits.windowMs,
      overall,
      orgs,
      last_tripped_at: this.lastTrippedAtMs === null ? null : new Date(this.lastTrippedAtMs).toISOString(),
      recommendations_while_open: this.heldBack,
    };
  }

  private fullScope(orgId: string, decisionId: string): string | null {
    const decisions = this.decisions.size;
    if (decisions >= this.limits.maxPerWindow && !this.decisions.has(decisionId))
      return `${decisions}/${this.limits.maxPerWindow} automatic actions in the window`;
    const orgCount = this.orgs.get(orgId) ?? 0;
    if (orgCount >= this.limits.maxPerOrgPerWindow)
      return `${orgCount}/${this.limits.maxPerOrgPerWindow} automatic actions for org ${orgId} in the window`;
    return null;
  }

  private checkTrips(orgId: string, atMs: number): void {
    this.checkScope('overall', this.decisions.size, this.limits.maxPerWindow, atMs);
    this.checkScope(`org:${orgId}`, this.orgs.get(orgId) ?? 0, this.limits.maxPerOrgPerWindow, atMs);
  }

  private checkScope(scope: string, count: number, limit: number, atMs: number): void {
    if (count < limit || this.trippedScopes.has(scope)) return;
    this.trippedScopes.add(scope);
    this.lastTrippedAtMs = atMs;
    this.onTrip({ scope, count, limit, at_ms: atMs });
  }

  /** Keeps `entries` in `atMs` order: actions arrive nearly in order (live, or the topic read from its start). */
  private insert(entry: Entry): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.atMs > entry.atMs) i--;
    if (i === this.entries.length) this.entries.push(entry);
    else this.entries.splice(i, 0, entry);
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - this.limits.windowMs;
    let expired = 0;
    while (expired < this.entries.length && this.entries[expired]!.atMs <= cutoff) {
      const e = this.entries[expired]!;
      this.ids.delete(e.actionId);
      bump(this.decisions, e.decisionId, -1);
      bump(this.orgs, e.orgId, -1);
      expired++;
    }
    if (expired === 0) return;
    this.entries.splice(0, expired);
    if (this.decisions.size < this.limits.maxPerWindow) this.trippedScopes.delete('overall');
    for (const scope of [...this.trippedScopes]) {
      if (scope.startsWith('org:') && (this.orgs.get(scope.slice(4)) ?? 0) < this.limits.maxPerOrgPerWindow)
        this.trippedScopes.delete(scope);
    }
  }
}

/** Adds `delta` to a count, dropping the entry at zero (so a map's size counts what is in the window). */
function bump(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
