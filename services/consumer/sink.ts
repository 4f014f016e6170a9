import type { UsageEvent } from '../../schemas/usage-v1.ts';

/** Where a valid event came from; sinks keep it for audit and idempotency. */
interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface SourcedEvent {
  event: UsageEvent;
  source: SourcePosition;
  /** The Kafka record as received, so a sink that rejects the event can dead-letter its original bytes. */
  raw?: { key: Buffer | null; value: Buffer | null };
}

/** A record that failed validation or was rejected by a sink, with its original bytes. */
export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  reason: string;
  source: SourcePosition;
}

/**
 * A sink accepts a batch or throws. `write` must be idempotent: after a crash the same events arrive again.
 * It may return events it rejected for good (a server-side validation error) so they go to the dead-letter topic.
 */
export interface EventSink {
  readonly name: string;
  write(events: readonly SourcedEvent[]): Promise<{ rejected: DeadLetter[] }>;
  /**
   * Called before offsets are committed: a stateful sink saves state covering everything before `positions`
   * (next offset to read per partition). Must be idempotent; a failure blocks the commit and is retried.
   */
  checkpoint?(positions: readonly CommitPosition[]): Promise<void>;
  /**
   * The consumer's partitions changed; a stateful sink restores the new ones' state here and may return where each
   * restored state ends: the consumer resumes those partitions there rather than at the committed offset (which may
   * be past it when the restore fell back to an older checkpoint).
   */
  onAssignment?(assignment: Readonly<Record<string, number[]>>): Promise<CommitPosition[]>;
  close(): Promise<void>;
}

/** The next offset to read for one partition, as committed to Kafka. */
export interface CommitPosition {
  topic: string;
  partition: number;
  offset: string;
}
