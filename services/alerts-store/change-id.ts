import { randomUUID } from 'node:crypto';

/** Audit row id that sorts by the alert version it produced, so history stays ordered when clocks tie. */
export function changeId(version: number, suffix: string): string {
  return `v${String(version).padStart(10, '0')}-${suffix}`;
}

export interface Change {
  /** The version of the changed row that the change produced. */
  version: number;
  actor: string;
  action: string;
  atMs: number;
  before: unknown;
  after: unknown;
}

/**
 * One row of an audit table (`alert_events`, `suppression_events`, `case_events`): `subject` names the changed row,
 * e.g. `{ alert_id }`; the states before and after are stored as JSON text.
 */
export function auditRow(subject: Readonly<Record<string, string>>, change: Change): Record<string, unknown> {
  return {
    change_id: changeId(change.version, randomUUID().slice(0, 8)),
    ...subject,
    at: Math.floor(change.atMs / 1000),
    at_ms: change.atMs,
    actor: change.actor,
    action: change.action,
    before: JSON.stringify(change.before),
    after: JSON.stringify(change.after),
  };
}
