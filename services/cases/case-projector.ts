import type { ClickHouse } from '../common/clickhouse/client.ts';
import type { Logger } from '../common/logger.ts';
import { type CaseRow, findCase } from './case-queries.ts';
import { type CaseAlertRow, type CaseRecord, caseAlertRow, type FoldAlert } from './case-schema.ts';
import { caseAlertRows, exclusive, openCasesFor, unfoldedAlerts, writeCaseAlerts, writeCases } from './case-store.ts';
import { foldAlert } from './fold.ts';

export interface CaseProjector {
  /** Folds every alert not yet in a case; returns how many alerts were folded or set aside. */
  foldPending(): Promise<number>;
  /** Polls every `intervalMs` until closed. */
  start(): void;
  /** Stops polling after the batch in hand. Safe to call twice. */
  close(): Promise<void>;
}

export interface CaseProjectorOptions {
  now: () => number;
  logger: Logger;
  batchSize?: number;
  intervalMs?: number;
  /**
   * Called after each batch with the open cluster cases it touched, their evidence aggregated (e.g. to run the
   * policy on the case); a failure is logged and the case is looked at again with its next alert.
   */
  onClusterCases?: (cases: CaseRow[]) => Promise<void>;
}

const DEFAULT_BATCH = 500;
const DEFAULT_INTERVAL_MS = 2_000;

/**
 * Folds a batch in event-time order; case rows are written before evidence, so a crash in between refolds. Returns
 * the cluster cases the batch touched.
 */
async function foldBatch(ch: ClickHouse, alerts: FoldAlert[], nowMs: number): Promise<string[]> {
  const live = alerts.filter((a) => a.suppressed === 0);
  const open = new Map<string, CaseRecord>(
    (await openCasesFor(ch, [...new Set(live.flatMap((a) => a.api_key_ids))])).map((c) => [c.case_id, c]),
  );
  const upserts = new Map<string, CaseRecord>();
  const rows: CaseAlertRow[] = alerts.filter((a) => a.suppressed !== 0).map((a) => caseAlertRow('', a));
  const merges: Array<{ from: string; into: string }> = [];
  const clusters = new Set<string>();
  for (const alert of live) {
    const step = foldAlert(open, alert, nowMs);
    if (open.get(step.caseId)?.kind === 'cluster') clusters.add(step.caseId);
    for (const c of step.upserts) upserts.set(c.case_id, c);
    merges.push(...step.merged);
    rows.push(caseAlertRow(step.caseId, alert));
  }
  if (merges.length) {
    const stored = await caseAlertRows(
      ch,
      merges.map((m) => m.from),
    );
    for (const { from, into } of merges)
      for (const r of [...stored, ...rows].filter((x) => x.case_id === from)) rows.push({ ...r, case_id: into });
  }
  await writeCases(ch, [...upserts.values()], nowMs);
  await writeCaseAlerts(ch, rows, nowMs);
  return [...clusters];
}

/**
 * Projects the `alerts` table into cases: every poll folds the alerts that no `case_alerts` row names yet. The
 * table is the source (not the topic) so restarts, redeliveries and replays need no offsets: an alert is folded
 * exactly when its evidence row exists, and case ids come from the alert that opened them.
 */
export function createCaseProjector(ch: ClickHouse, options: CaseProjectorOptions): CaseProjector {
  const log = options.logger.child({ component: 'case-projector' });
  const batch = options.batchSize ?? DEFAULT_BATCH;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let closing: Promise<void> | null = null;

  /** Hands the touched open cluster cases to `onClusterCases`; folding is done, so a failure only logs. */
  async function reportClusters(caseIds: string[]): Promise<void> {
    if (!options.onClusterCases || caseIds.length === 0) return;
    try {
      const rows = await Promise.all(caseIds.map((id) => findCase(ch, id)));
      await options.onClusterCases(rows.filter((r): r is CaseRow => r?.status === 'open'));
    } catch (error) {
      log.warn({ err: error, case_ids: caseIds }, 'acting on cluster cases failed; retried with their next alert');
    }
  }

  async function foldPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const alerts = await unfoldedAlerts(ch, batch);
      if (alerts.length === 0) return total;
      await reportClusters(await exclusive(() => foldBatch(ch, alerts, options.now())));
      total += alerts.length;
      if (alerts.length < batch) return total;
    }
  }

  /** One poll at a time: a slow fold makes the next poll wait instead of folding the same alerts twice. */
  function tick(): void {
    if (running) return;
    running = foldPending()
      .then((n) => n && log.info({ alerts: n }, 'alerts folded into cases'))
      .catch((error) => log.warn({ err: error }, 'folding alerts into cases failed; retrying next poll'))
      .finally(() => {
        running = null;
      });
  }

  return {
    foldPending,
    start() {
      if (timer || closing) return;
      timer = setInterval(tick, options.intervalMs ?? DEFAULT_INTERVAL_MS);
      timer.unref();
      tick();
    },
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await running;
      })();
      return closing;
    },
  };
}
