import { z } from 'zod';
import { type ClickHouse, clickhouseServerCode } from '../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';

/**
 * The part of one produced batch that went to one partition: its last record (highest offset) and how many records
 * it holds. The streaming service reads and stores a partition in offset order, so once that last record is
 * committed, or its row is queryable, so is the whole part.
 */
export interface BatchPart {
  partition: number;
  lastOffset: number;
  lastEventId: string;
  lastKey: string;
  count: number;
  sentAt: number;
}

/** Batch parts not yet seen, per partition in offset order; `resolve` hands back the latency of those now seen. */
class PendingParts {
  private readonly byPartition = new Map<number, BatchPart[]>();

  add(part: BatchPart): void {
    const list = this.byPartition.get(part.partition) ?? [];
    list.push(part);
    this.byPartition.set(part.partition, list);
  }

  /** Parts up to and including the last one `seen` picks in each partition are done (offset order). */
  resolve(seen: (part: BatchPart) => boolean, now: number, into: number[]): void {
    for (const [partition, list] of this.byPartition) {
      const last = list.findLastIndex(seen);
      if (last < 0) continue;
      for (const p of list.slice(0, last + 1)) into.push(now - p.sentAt);
      this.byPartition.set(partition, list.slice(last + 1));
    }
  }

  all(): BatchPart[] {
    return [...this.byPartition.values()].flat();
  }

  /** Records in parts not seen yet. */
  get records(): number {
    return this.all().reduce((n, p) => n + p.count, 0);
  }

  get size(): number {
    return this.all().length;
  }
}

/** Produce → committed offset: a part is done once the group's committed offset of its partition is past it. */
export class CommitTracker {
  readonly latencies: number[] = [];
  private readonly pending = new PendingParts();

  sent(part: BatchPart): void {
    this.pending.add(part);
  }

  committed(offsets: ReadonlyMap<number, number>, now: number): void {
    this.pending.resolve((p) => p.lastOffset < (offsets.get(p.partition) ?? -1), now, this.latencies);
  }

  get outstanding(): number {
    return this.pending.size;
  }
}

const eventIdRow = z.object({ event_id: z.string() });
/** Unknown table (60) or database (81): the service has not run its migrations yet. */
const NOT_CREATED_YET = new Set(['60', '81']);

/** Runs a query against the service's tables; `empty` while they do not exist yet, any other error thrown. */
export async function whenCreated<T>(query: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (NOT_CREATED_YET.has(clickhouseServerCode(error))) return empty;
    throw error;
  }
}

/**
 * Produce → row queryable in `usage_events`: polls ClickHouse for the last event id of every pending part; a part
 * found is timed at the start of the query that found it.
 */
export class RowTracker {
  readonly latencies: number[] = [];
  /** How long each poll took: a row's latency is known only to within one poll. */
  readonly pollMs: number[] = [];
  private readonly pending = new PendingParts();

  constructor(private readonly ch: ClickHouse) {}

  sent(part: BatchPart): void {
    this.pending.add(part);
  }

  /** One poll; tables the service has not created yet count as nothing visible. */
  async poll(): Promise<void> {
    const parts = this.pending.all();
    if (parts.length === 0) return;
    const keys = [...new Set(parts.map((p) => p.lastKey))];
    const ids = parts.map((p) => p.lastEventId);
    const db = ident(this.ch.database);
    const started = performance.now();
    const rows = await whenCreated(
      () =>
        this.ch.query(
          sql`SELECT event_id FROM ${db}.usage_events WHERE has(${keys}, api_key_id) AND has(${ids}, event_id)`,
          eventIdRow,
        ),
      [],
    );
    const visible = new Set(rows.map((r) => r.event_id));
    this.pollMs.push(performance.now() - started);
    // A query reads the parts that exist when it starts: what it finds was queryable by then.
    this.pending.resolve((p) => visible.has(p.lastEventId), started, this.latencies);
  }

  /** Records acknowledged by the broker whose rows are not queryable yet: the lag users see. */
  get unseenRecords(): number {
    return this.pending.records;
  }

  get outstanding(): number {
    return this.pending.size;
  }
}

interface SentRange {
  firstTs: number;
  lastTs: number;
  sentAt: number;
}

/**
 * Produce → alert on the `alerts` topic. An alert's `raised_at` is the event time of the event it was decided on;
 * the load sends the (time-ordered) file in order, so that event is in the batch whose event-time range holds
 * `raised_at`, and its produce time is that batch's. Alerts about events produced before tracking began (the
 * backlog) match no batch and are not counted.
 */
export class AlertTracker {
  private readonly ranges: SentRange[] = [];
  private readonly received: Array<{ raisedAt: number; at: number }> = [];

  sent(firstTs: number, lastTs: number, sentAt: number): void {
    this.ranges.push({ firstTs, lastTs, sentAt });
  }

  alert(raisedAt: number, at: number): void {
    this.received.push({ raisedAt, at });
  }

  /** Latencies of the alerts whose triggering event was produced in [from, to) (performance.now() times). */
  latencies(from: number, to: number): number[] {
    const out: number[] = [];
    for (const a of this.received) {
      const sentAt = this.producedAt(a.raisedAt);
      if (sentAt !== null && sentAt >= from && sentAt < to) out.push(a.at - sentAt);
    }
    return out;
  }

  /** The send time of the first batch whose event-time range holds `ts`, by binary search over the ranges. */
  private producedAt(ts: number): number | null {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid]!.lastTs < ts) lo = mid + 1;
      else hi = mid;
    }
    const range = this.ranges[lo];
    return range && range.firstTs <= ts ? range.sentAt : null;
  }
}
