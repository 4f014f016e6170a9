import type { DeadLetter, SourcedEvent } from './sink.ts';

/** Valid events, dead letters and the highest offset seen per partition, waiting for one flush. */
export interface PendingBatch {
  events: SourcedEvent[];
  deadLetters: DeadLetter[];
  /** topic → partition → next offset to commit (last seen + 1), as Kafka expects. */
  commits: Map<string, Map<number, string>>;
  firstAddedAt: number;
}

/** Bounded by rows and age; the consumer flushes when `isDue` and stops fetching while a flush runs. */
export class BatchBuffer {
  private pending: PendingBatch = BatchBuffer.empty();

  constructor(
    private readonly maxRows: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private static empty(): PendingBatch {
    return { events: [], deadLetters: [], commits: new Map(), firstAddedAt: 0 };
  }

  get size(): number {
    return this.pending.events.length + this.pending.deadLetters.length;
  }

  addEvent(item: SourcedEvent): void {
    this.touch();
    this.pending.events.push(item);
    this.track(item.source.topic, item.source.partition, item.source.offset);
  }

  addDeadLetter(letter: DeadLetter): void {
    this.touch();
    this.pending.deadLetters.push(letter);
    this.track(letter.source.topic, letter.source.partition, letter.source.offset);
  }

  isDue(): boolean {
    return this.size >= this.maxRows || (this.size > 0 && this.now() - this.pending.firstAddedAt >= this.maxMs);
  }

  /** Hands the pending batch to the caller and starts a new one. */
  take(): PendingBatch {
    const batch = this.pending;
    this.pending = BatchBuffer.empty();
    return batch;
  }

  /** Drops buffered records of partitions this consumer no longer owns; their offsets are not committed. */
  dropPartitions(owned: (topic: string, partition: number) => boolean): number {
    const before = this.size;
    const keep = <T extends { source: { topic: string; partition: number } }>(xs: T[]) =>
      xs.filter((x) => owned(x.source.topic, x.source.partition));
    this.pending.events = keep(this.pending.events);
    this.pending.deadLetters = keep(this.pending.deadLetters);
    for (const [topic, parts] of this.pending.commits) {
      for (const p of parts.keys()) if (!owned(topic, p)) parts.delete(p);
    }
    return before - this.size;
  }

  private touch(): void {
    if (this.size === 0) this.pending.firstAddedAt = this.now();
  }

  private track(topic: string, partition: number, offset: string): void {
    let parts = this.pending.commits.get(topic);
    if (!parts) {
      parts = new Map();
      this.pending.commits.set(topic, parts);
    }
    parts.set(partition, (BigInt(offset) + 1n).toString());
  }
}
