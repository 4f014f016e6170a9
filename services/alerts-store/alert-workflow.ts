import type { ClickHouse } from '../common/clickhouse/client.ts';
import { errors } from '../common/errors.ts';
import { getAlert } from './alert-queries.ts';
import { type AlertLabel, type AlertView, toAlertRow } from './alert-row.ts';
import { auditRow } from './change-id.ts';

type Edit = (current: AlertView) => AlertView | null;

/** Serializes changes per alert inside this process, so two quick clicks cannot both write version n+1. */
const pending = new Map<string, Promise<unknown>>();

function serialized<T>(alertId: string, work: () => Promise<T>): Promise<T> {
  const previous = pending.get(alertId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  pending.set(alertId, next);
  return next.finally(() => {
    if (pending.get(alertId) === next) pending.delete(alertId);
  });
}

/**
 * Triage actions on an alert. Each change appends the next version of the alert row and one `alert_events` row
 * (actor, time, before, after); a change that would alter nothing writes nothing.
 */
export function createAlertWorkflow(ch: ClickHouse, now: () => number) {
  async function apply(alertId: string, actor: string, action: string, change: Edit): Promise<AlertView> {
    return serialized(alertId, async () => {
      const before = await getAlert(ch, alertId);
      const changed = change(before);
      if (!changed) return before;
      const at = now();
      const after: AlertView = {
        ...changed,
        version: before.version + 1,
        updated_at: new Date(Math.floor(at / 1000) * 1000).toISOString(),
      };
      await ch.insert('alerts', [toAlertRow(after, at)]);
      await ch.insert('alert_events', [
        auditRow({ alert_id: alertId }, { version: after.version, actor, action, atMs: at, before, after }),
      ]);
      return after;
    });
  }

  function notResolved(current: AlertView, what: string): void {
    if (current.status === 'resolved') throw errors.conflict(`alert ${current.alert_id} is resolved; cannot ${what}`);
  }

  return {
    acknowledge: (alertId: string, actor: string) =>
      apply(alertId, actor, 'acknowledge', (c) => {
        notResolved(c, 'acknowledge');
        return c.status === 'acknowledged' ? null : { ...c, status: 'acknowledged' };
      }),
    assign: (alertId: string, actor: string, assignee: string | null) =>
      apply(alertId, actor, 'assign', (c) => {
        notResolved(c, 'assign');
        return c.assignee === assignee ? null : { ...c, assignee };
      }),
    resolve: (alertId: string, actor: string, label: AlertLabel, note: string) =>
      apply(alertId, actor, 'resolve', (c) => {
        notResolved(c, 'resolve it again');
        return { ...c, status: 'resolved', label, note };
      }),
    reopen: (alertId: string, actor: string, note: string) =>
      apply(alertId, actor, 'reopen', (c) => {
        if (c.status !== 'resolved') throw errors.conflict(`alert ${alertId} is not resolved`);
        return { ...c, status: 'open', label: null, note };
      }),
  };
}
