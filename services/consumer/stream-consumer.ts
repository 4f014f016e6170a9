import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { futureTimestampReason, parseEvent } from '../../schemas/parse-event.ts';
import type { Logger } from '../common/logger.ts';
import { withRetry } from '../common/retry.ts';
import { BatchBuffer, type PendingBatch } from './batch-buffer.ts';
import { publishDeadLetters } from './dead-letter.ts';
import { singleOwnerAssigner } from './single-owner-assigner.ts';
import type { CommitPosition, DeadLetter, EventSink } from './sink.ts';

export interface StreamConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  dlqTopic: string;
  sinks: EventSink[];
  maxRows: number;
  maxMs: number;
  /** Commit (and checkpoint stateful sinks) at most this often; 0 commits after every flush. */
  commitIntervalMs?: number;
  sessionTimeoutMs: number;
  fromBeginning: boolean;
  /** False for secondary groups reading the same topic: the primary group already dead-letters bad records. */
  publishDeadLetters?: boolean;
  /** Events stamped further ahead of the wall clock go to the dead-letter topic as `future_ts` (0 = no limit). */
  maxFutureSkewMs?: number;
  /** One member of the group gets every partition, the others stand by (stage 2 must see the whole stream). */
  singleOwner?: boolean;
  /**
   * Batches taken from the buffer whose writes have not finished; fetching waits while this many are in flight
   * (memory: the buffer plus this many batches of `maxRows`). Default 2.
   */
  maxInFlightBatches?: number;
  logger: Logger;
}

export interface StreamHealth {
  running: boolean;
  /** Set while a sink or the dead-letter topic keeps failing; consumption is paused meanwhile. */
  degraded: string | null;
  consumed: number;
  flushedEvents: number;
  deadLetters: number;
  lastFlushAt: number | null;
  /** Records consumed but not yet flushed: the buffer and the batches being written (at most 1 + in-flight cap). */
  buffered: number;
  /** `consumed` per consumer group, when several consumers are combined (metrics label them by group). */
  consumedByGroup?: Record<string, number>;
}

/**
 * How often the flush timer looks at the batch's age: a row waits at most `maxMs` plus this before its flush starts
 * (it was `maxMs / 2`, half a second more at the default 1 s; the check is a comparison, so 10 times a second costs
 * nothing).
 */
export function flushCheckMs(maxMs: number): number {
  return Math.max(10, Math.min(100, Math.floor(maxMs / 4)));
}

/**
 * Kafka → validate → bounded batch → sinks → dead letters → commit. Offsets are committed only after every sink
 * and the dead-letter topic accepted the batch; a failing sink is retried with backoff while fetching stops.
 */
export class StreamConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly buffer: BatchBuffer;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  /** Writes to the leading stateless sinks, one batch after another (`storeSinks`). */
  private storing: Promise<unknown> = Promise.resolve();
  /** The rest of each flush (stateful sinks, dead letters, checkpoint and commit), one batch after another. */
  private flushing: Promise<void> = Promise.resolve();
  /** Batches taken from the buffer whose flush has not finished, and their records. */
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightRecords = 0;
  private readonly maxInFlight: number;
  private readonly storeSinks: EventSink[];
  private readonly tailSinks: EventSink[];
  private timer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  private stopping = false;
  private inFlightBatch: Promise<void> = Promise.resolve();
  private heartbeat: () => Promise<void> = async () => {};
  /** Offsets flushed to every sink but not yet committed (topic:partition → next offset). */
  private readonly uncommitted = new Map<string, CommitPosition>();
  private lastCommitAt = 0;
  /** Resolves once stateful sinks restored the state of newly assigned partitions. */
  private assignmentReady: Promise<void> = Promise.resolve();
  private assigned: Readonly<Record<string, number[]>> | null = null;
  private readonly state: StreamHealth = {
    running: false,
    degraded: null,
    consumed: 0,
    flushedEvents: 0,
    deadLetters: 0,
    lastFlushAt: null,
    buffered: 0,
  };

  constructor(private readonly o: StreamConsumerOptions) {
    this.log = o.logger.child({ component: 'stream-consumer', topic: o.topic, group: o.groupId });
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      maxBytes: 8 << 20,
      ...(o.singleOwner ? { partitionAssigners: [singleOwnerAssigner(() => this.ownsPartitions())] } : {}),
    });
    this.producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.buffer = new BatchBuffer(o.maxRows, o.maxMs);
    this.maxInFlight = Math.max(1, o.maxInFlightBatches ?? 2);
    const firstStateful = o.sinks.findIndex((sink) => sink.checkpoint);
    const split = firstStateful < 0 ? o.sinks.length : firstStateful;
    this.storeSinks = o.sinks.slice(0, split);
    this.tailSinks = o.sinks.slice(split);
  }

  get groupId(): string {
    return this.o.groupId;
  }

  /** The partitions this member was last assigned (empty on a standby member of a single-owner group); null before. */
  assignment(): Readonly<Record<string, number[]>> | null {
    return this.assigned;
  }

  private ownsPartitions(): boolean {
    return Object.values(this.assigned ?? {}).some((partitions) => partitions.length > 0);
  }

  health(): StreamHealth {
    return { ...this.state, buffered: this.buffer.size + this.inFlightRecords };
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => this.onAssignment(e.payload.memberAssignment));
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: this.o.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.timer = setInterval(() => this.flushIfDue(), flushCheckMs(this.o.maxMs));
    this.state.running = true;
    this.log.info({ maxRows: this.o.maxRows, maxMs: this.o.maxMs }, 'consuming');
  }

  /** Stops fetching, flushes what was consumed, commits, disconnects. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    // Commit before leaving the group: a commit after consumer.stop() is refused and would cause redelivery.
    this.stopping = true;
    this.state.running = false;
    if (this.timer) clearInterval(this.timer);
    this.consumer.pause([{ topic: this.o.topic }]);
    await this.inFlightBatch;
    await this.flush(true);
    this.abort.abort();
    await this.consumer.stop();
    await this.consumer.disconnect();
    await this.producer.disconnect();
    for (const sink of this.o.sinks) await sink.close();
    this.log.info({ consumed: this.state.consumed, flushed: this.state.flushedEvents }, 'stopped');
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    const processing = this.processBatch(payload);
    this.inFlightBatch = processing.catch(() => {});
    return processing;
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.heartbeat = heartbeat;
    await this.assignmentReady;
    for (const message of batch.messages) {
      if (this.stopping || !isRunning() || isStale()) break;
      this.accept(batch.topic, batch.partition, message);
      resolveOffset(message.offset);
      if (this.buffer.isDue()) {
        // A full buffer is written while fetching goes on; fetching waits only when the in-flight cap is reached.
        while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
        this.flush().catch((error) => this.log.error({ err: error }, 'flush failed'));
      }
    }
    await heartbeat();
  }

  private accept(topic: string, partition: number, message: KafkaMessage): void {
    this.state.consumed++;
    const source = { topic, partition, offset: message.offset };
    const parsed = parseEvent(message.value);
    const reason = parsed.ok
      ? futureTimestampReason(parsed.event, Date.now(), this.o.maxFutureSkewMs ?? 0)
      : parsed.reason;
    const raw = { key: message.key, value: message.value };
    if (parsed.ok && reason === null) this.buffer.addEvent({ event: parsed.event, source, raw });
    else this.buffer.addDeadLetter({ key: message.key, value: message.value, reason: reason!, source });
  }

  private flushIfDue(): void {
    const commitDue = this.uncommitted.size > 0 && Date.now() - this.lastCommitAt >= (this.o.commitIntervalMs ?? 0);
    // At the in-flight cap the buffer keeps filling; the consumer loop waits for a slot once it is full.
    const batchDue = this.buffer.isDue() && this.inFlight.size < this.maxInFlight;
    if (batchDue || commitDue)
      this.flush(false, batchDue).catch((error) => this.log.error({ err: error }, 'flush failed'));
  }

  /**
   * Takes the buffer and writes it as a two-step pipeline: the leading stateless sinks (the event store) write
   * batch N+1 while the rest of batch N runs (stateful sinks, dead letters, checkpoint, commit). Each step takes
   * batches in order, and a batch enters the second step only after its first, so every sink still sees the
   * batches in offset order and in sink order (a row is queryable before stage 1 publishes an alert on it), and
   * stateful sinks, checkpoints and commits still run strictly between batches (the commit-after-checkpoint rule).
   */
  private flush(final = false, takeBatch = true): Promise<void> {
    const batch = takeBatch && this.buffer.size > 0 ? this.buffer.take() : null;
    const takenAt = Date.now();
    const stored = batch ? this.store(batch) : Promise.resolve([]);
    if (batch) this.storing = stored.catch(() => {});
    const done = Promise.all([stored, this.flushing]).then(async ([rejected]) => {
      if (batch) await this.finish(batch, rejected, takenAt);
      await this.commitIfDue(final);
    });
    this.flushing = done;
    if (!batch) return done;
    const tracked = done.finally(() => {
      this.inFlight.delete(tracked);
      this.inFlightRecords -= batch.events.length + batch.deadLetters.length;
    });
    this.inFlight.add(tracked);
    this.inFlightRecords += batch.events.length + batch.deadLetters.length;
    return tracked;
  }

  /** First step: the stateless sinks, after the previous batch's first step. */
  private store(batch: PendingBatch): Promise<DeadLetter[]> {
    return this.storing.then(() => this.writeSinks(this.storeSinks, batch, []));
  }

  private async writeSinks(sinks: EventSink[], batch: PendingBatch, rejected: DeadLetter[]): Promise<DeadLetter[]> {
    for (const sink of sinks) {
      const result = await this.untilAccepted(sink.name, () => sink.write(batch.events));
      rejected.push(...result.rejected);
    }
    return rejected;
  }

  /** Second step: stateful sinks, then the dead letters; the batch's offsets may then be committed. */
  private async finish(batch: PendingBatch, storeRejected: DeadLetter[], takenAt: number): Promise<void> {
    const rejected = await this.writeSinks(this.tailSinks, batch, [...storeRejected]);
    const letters = this.o.publishDeadLetters === false ? rejected : [...batch.deadLetters, ...rejected];
    await this.untilAccepted('dead-letter topic', () => publishDeadLetters(this.producer, this.o.dlqTopic, letters));
    this.remember(batch);
    this.state.flushedEvents += batch.events.length - rejected.length;
    this.state.deadLetters += letters.length;
    this.state.lastFlushAt = Date.now();
    // Where a record waits between fetch and the end of its flush (the buffer, then the two stages).
    const timing = { bufferedMs: takenAt - batch.firstAddedAt, writeMs: this.state.lastFlushAt - takenAt };
    this.log.debug({ rows: batch.events.length, deadLetters: letters.length, ...timing }, 'batch flushed');
  }

  /** Retries a sink write with backoff for as long as the consumer runs; heartbeats so the group keeps us. */
  private async untilAccepted<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const result = await withRetry(fn, {
      retries: Number.POSITIVE_INFINITY,
      initialDelayMs: 200,
      maxDelayMs: 5_000,
      retriable: () => !this.abort.signal.aborted,
      signal: this.abort.signal,
      onRetry: (error, attempt, delayMs) => {
        this.state.degraded = `${what} failing: ${(error as Error).message}`;
        this.log.warn({ err: error, sink: what, attempt, delayMs }, 'sink write failed; retrying');
        this.heartbeat().catch(() => {});
      },
    });
    // Both flush steps retry at once: one accepting its write must not clear the other's failure.
    if (this.state.degraded?.startsWith(`${what} failing`)) this.state.degraded = null;
    return result;
  }

  private remember(batch: PendingBatch): void {
    for (const [topic, parts] of batch.commits) {
      for (const [partition, offset] of parts)
        this.uncommitted.set(`${topic}:${partition}`, { topic, partition, offset });
    }
  }

  /** Checkpoints stateful sinks, then commits; the commit never runs ahead of a saved checkpoint. */
  private async commitIfDue(final: boolean): Promise<void> {
    if (this.uncommitted.size === 0) return;
    if (!final && Date.now() - this.lastCommitAt < (this.o.commitIntervalMs ?? 0)) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    const started = Date.now();
    for (const sink of this.o.sinks) {
      if (sink.checkpoint) await this.untilAccepted(`${sink.name} checkpoint`, () => sink.checkpoint!(offsets));
    }
    if (this.o.sinks.some((sink) => sink.checkpoint))
      this.log.debug({ partitions: offsets.length, ms: Date.now() - started }, 'checkpoint saved before commit');
    this.lastCommitAt = Date.now();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      // Data is already in the sinks; after a rebalance the new owner re-reads it and idempotent sinks absorb it.
      this.log.warn({ err: error, offsets }, 'offset commit failed; records will be redelivered');
    }
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    this.assigned = assignment;
    const owned = (topic: string, partition: number) => assignment[topic]?.includes(partition) ?? false;
    const dropped = this.buffer.dropPartitions(owned);
    const forgetUnowned = () => {
      for (const [key, position] of this.uncommitted) {
        if (!owned(position.topic, position.partition)) this.uncommitted.delete(key);
      }
    };
    forgetUnowned();
    if (this.o.singleOwner) {
      const owner = this.ownsPartitions();
      this.log.info(
        { owner },
        owner ? 'single-owner group: this member owns every partition' : 'single-owner group: standby',
      );
    }
    this.log.info({ assignment, dropped }, 'partitions assigned');
    const restoring = this.o.sinks.filter((sink) => sink.onAssignment);
    // Batches already taken finish first (they were read under the old assignment); then the sinks restore.
    this.assignmentReady = this.flushing
      .catch(() => {})
      .then(() => {
        forgetUnowned();
        return Promise.all(
          restoring.map((sink) => this.untilAccepted(`${sink.name} restore`, () => sink.onAssignment!(assignment))),
        );
      })
      .then((resumes) => this.resume(resumes.flat()));
  }

  /**
   * Reads restored partitions on from where the sinks' restored state ends (the lowest position per partition):
   * every sink accepted the events before a checkpoint's positions, so none is skipped, and none the state lacks is
   * left out when a restore fell back behind the committed offset. Records fetched before the seek are stale and
   * not accepted (`isStale`).
   */
  private resume(positions: readonly CommitPosition[]): void {
    const lowest = new Map<string, CommitPosition>();
    for (const p of positions) {
      const key = `${p.topic}:${p.partition}`;
      const seen = lowest.get(key);
      if (!seen || BigInt(p.offset) < BigInt(seen.offset)) lowest.set(key, p);
    }
    for (const p of lowest.values()) {
      this.log.info(p, 'partition resumes where its restored state ends');
      this.consumer.seek(p);
    }
  }
}
