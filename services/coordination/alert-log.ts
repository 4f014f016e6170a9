import { SEVERITY_RANK, type Severity } from '../../schemas/alert-v1.ts';

/** A cluster alert still inside its cooldown. */
export interface AlertedCluster {
  alertId: string;
  raisedAtMs: number;
  severity: Severity;
  /** Sorted api_key_ids this alert covers: its own members and those of the alerts it escalated. */
  members: string[];
}

export interface ClusterAlertPolicy {
  cooldownMs: number;
  growthToEscalate: number;
  escalationIntervalMs: number;
}

export type AlertDecision = { emit: false } | { emit: true; escalates: string | null };

/** Share of the smaller of two member sets that must overlap for them to be the same cluster. */
const SAME_CLUSTER_OVERLAP = 0.5;

/**
 * Cooldown memory of raised cluster alerts: a cluster matching an earlier one (by member overlap) is silent
 * inside the cooldown unless its severity rose or it grew materially (at most once per escalation interval),
 * which escalates the earlier alert.
 */
export class AlertLog {
  private readonly clusters = new Map<string, AlertedCluster>();
  private readonly alertOfKey = new Map<string, string>();

  constructor(private readonly policy: ClusterAlertPolicy) {}

  decide(members: readonly string[], severity: Severity, nowMs: number): AlertDecision {
    const previous = this.bestMatch(members);
    if (!previous) return { emit: true, escalates: null };
    // Keys the earlier alert (and those it escalated) did not cover: a network linked in two groups that later
    // split, or one whose merged group shrinks as members go quiet, still brings its newly linked keys in.
    const covered = new Set(previous.members);
    const added = members.reduce((n, m) => n + (covered.has(m) ? 0 : 1), 0);
    const grew = added > 0 && added >= previous.members.length * this.policy.growthToEscalate;
    const due = nowMs - previous.raisedAtMs >= this.policy.escalationIntervalMs;
    const worse = SEVERITY_RANK[severity] > SEVERITY_RANK[previous.severity];
    return (grew && due) || worse ? { emit: true, escalates: previous.alertId } : { emit: false };
  }

  /**
   * Remembers a raised alert; the alert it escalates is replaced by it, covering the keys of both and keeping the
   * higher severity of the two so a score wavering around a severity boundary does not re-alert on every upward
   * crossing.
   */
  record(cluster: AlertedCluster, escalates: string | null): void {
    const previous = escalates ? this.clusters.get(escalates) : undefined;
    if (escalates) this.forget(escalates);
    const severity =
      previous && SEVERITY_RANK[previous.severity] > SEVERITY_RANK[cluster.severity]
        ? previous.severity
        : cluster.severity;
    const members = previous ? [...new Set([...previous.members, ...cluster.members])].sort() : cluster.members;
    this.clusters.set(cluster.alertId, { ...cluster, severity, members });
    for (const m of members) this.alertOfKey.set(m, cluster.alertId);
  }

  /** Drops alerts whose cooldown has passed at event time `nowMs`. */
  expire(nowMs: number): void {
    for (const c of [...this.clusters.values()])
      if (nowMs - c.raisedAtMs >= this.policy.cooldownMs) this.forget(c.alertId);
  }

  entries(): AlertedCluster[] {
    return [...this.clusters.values()];
  }

  private bestMatch(members: readonly string[]): AlertedCluster | undefined {
    const overlap = new Map<string, number>();
    for (const m of members) {
      const id = this.alertOfKey.get(m);
      if (id) overlap.set(id, (overlap.get(id) ?? 0) + 1);
    }
    let best: AlertedCluster | undefined;
    let bestShare = SAME_CLUSTER_OVERLAP;
    for (const [id, shared] of [...overlap].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const cluster = this.clusters.get(id)!;
      const share = shared / Math.min(cluster.members.length, members.length);
      if (share > bestShare || (share === bestShare && !best)) {
        best = cluster;
        bestShare = share;
      }
    }
    return best;
  }

  private forget(alertId: string): void {
    const cluster = this.clusters.get(alertId);
    if (!cluster) return;
    this.clusters.delete(alertId);
    for (const m of cluster.members) if (this.alertOfKey.get(m) === alertId) this.alertOfKey.delete(m);
  }
}
