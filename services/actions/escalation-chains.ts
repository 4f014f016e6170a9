import { LRUCache } from 'lru-cache';
import type { Alert } from '../../schemas/alert-v1.ts';

/** Most alerts whose chain is remembered; past it the least recently used is forgotten. */
const REMEMBERED_ALERTS = 10_000;

/**
 * Which chain of escalations an alert belongs to, named by the chain's first alert. Stage 2 escalates a cluster alert
 * each time the network is linked to more keys (at most every 10 minutes), stage 1 a key alert whose score rose in
 * its cooldown: the circuit breaker counts the whole chain as one decision against its overall limit, so a network
 * that keeps growing does not use up the window meant for many separate decisions. A forgotten link only makes the
 * next escalation count as a decision of its own again, as every escalation did before.
 */
export class EscalationChains {
  private readonly roots = new LRUCache<string, string>({ max: REMEMBERED_ALERTS });

  rootOf(alert: Pick<Alert, 'alert_id' | 'escalates'>): string {
    const known = this.roots.get(alert.alert_id);
    if (known !== undefined) return known;
    const root = alert.escalates === null ? alert.alert_id : (this.roots.get(alert.escalates) ?? alert.escalates);
    this.roots.set(alert.alert_id, root);
    return root;
  }
}
