import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { rejectedEvent } from '../consumer/dead-letter.ts';
import type { CommitPosition, DeadLetter, EventSink, SourcedEvent } from '../consumer/sink.ts';
import type { KeyFeatureSnapshot, PipelineOutput } from '../detector/types.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/** Event-time processing whose whole state can be saved and restored: a detector pipeline or stage 2. */
export interface StatefulProcessor {
  process(event: UsageEvent): PipelineOutput;
  snapshot(): Buffer;
}

/** `partition`: one processor per source partition (detector); `all`: one for every partition (coordination). */
type StateScope = 'partition' | 'all';

/** Checkpoint partition number under which an `all`-scoped processor is saved. */
const ALL_PARTITIONS = 4_294_967_295;

export interface StatefulSinkOptions {
  name: string;
  group: string;
  scope: StateScope;
  /** Builds a processor, from its saved state when there is one. */
  createProcessor(state: Buffer | null): StatefulProcessor;
  store: CheckpointStore;
  persistFeatures(rows: readonly KeyFeatureSnapshot[]): Promise<void>;
  persistAlerts(alerts: readonly Alert[]): Promise<void>;
  publishAlerts(alerts: readonly Alert[]): Promise<void>;
  /** Attempts at an event the processor throws on before it is dead-lettered as `<name>_error: <message>`. */
  poisonAttempts: number;
  logger: Logger;
}

interface Slot {
  processor: StatefulProcessor;
  /** Per source partition: events below this offset are already in the state; redeliveries are not recounted. */
  next: Map<string, bigint>;
}

/** How far the sink got through one batch: a retry resumes at `index` and keeps what was already produced. */
interface BatchProgress {
  events: readonly SourcedEvent[];
  index: number;
  /** Failed attempts at the event at `index`. */
  failures: number;
  out: PipelineOutput;
  rejected: DeadLetter[];
  persisted: boolean;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Runs a stateful processor on each batch exactly once (a retried write only re-persists its outputs), checkpoints
 * its state with the offsets it covers before they are committed, and restores it when partitions are assigned.
 * An event the processor keeps throwing on is dead-lettered after `poisonAttempts` and the batch goes on.
 */
export class StatefulSink implements EventSink {
  readonly name: string;
  private readonly slots = new Map<string, Slot>();
  private batch: BatchProgress | null = null;
  private readonly log: Logger;

  constructor(private readonly o: StatefulSinkOptions) {
    this.name = o.name;
    this.log = o.logger.child({ component: o.name });
  }

  private slotKey(topic: string, partition: number): string {
    return this.o.scope === 'all' ? `${topic}:all` : partitionKey(topic, partition);
  }

  async write(events: readonly SourcedEvent[]) {
    if (this.batch?.events !== events) {
      const out: PipelineOutput = { alerts: [], features: [] };
      this.batch = { events, index: 0, failures: 0, out, rejected: [], persisted: false };
    }
    const batch = this.batch;
    this.processRest(batch);
    if (!batch.persisted) {
      await this.o.persistFeatures(batch.out.features);
      await this.o.persistAlerts(batch.out.alerts);
      await this.o.publishAlerts(batch.out.alerts);
      batch.persisted = true;
    }
    return { rejected: batch.rejected };
  }

  /** Throws while an event fails below the attempt bound, so the consumer retries the batch with backoff. */
  private processRest(batch: BatchProgress): void {
    for (; batch.index < batch.events.length; batch.index++) {
      const item = batch.events[batch.index]!;
      const { topic, partition } = item.source;
      const slot = this.slotOf(topic, partition);
      const pk = partitionKey(topic, partition);
      const offset = BigInt(item.source.offset);
      if (offset < (slot.next.get(pk) ?? 0n)) continue;
      let result: PipelineOutput;
      try {
        result = slot.processor.process(item.event);
      } catch (error) {
        if (++batch.failures < this.o.poisonAttempts) throw this.attemptFailed(item, batch.failures, error);
        batch.rejected.push(rejectedEvent(item, `${this.name}_error: ${(error as Error).message}`));
        this.log.error({ err: error, ...item.source, event_id: item.event.event_id }, 'poison event dead-lettered');
        result = { alerts: [], features: [] };
      }
      batch.failures = 0;
      slot.next.set(pk, offset + 1n);
      for (const a of result.alerts) batch.out.alerts.push(a);
      for (const f of result.features) batch.out.features.push(f);
    }
  }

  private attemptFailed({ event, source }: SourcedEvent, attempt: number, cause: unknown) {
    const where = `${this.name} on event ${event.event_id} (${source.topic}:${source.partition}@${source.offset})`;
    const detail = `${where}, attempt ${attempt} of ${this.o.poisonAttempts}: ${(cause as Error).message}`;
    return errors.processor(detail, cause);
  }

  /** A slot seen before any assignment restored it starts empty (first run of a new consumer group). */
  private slotOf(topic: string, partition: number): Slot {
    const key = this.slotKey(topic, partition);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { processor: this.o.createProcessor(null), next: new Map() };
      this.slots.set(key, slot);
    }
    return slot;
  }

  async checkpoint(positions: readonly CommitPosition[]): Promise<void> {
    const touched = new Map<string, CommitPosition>();
    for (const p of positions) touched.set(this.slotKey(p.topic, p.partition), p);
    for (const [key, p] of touched) {
      const slot = this.slots.get(key);
      if (!slot) continue;
      const state = slot.processor.snapshot();
      const partition = this.o.scope === 'all' ? ALL_PARTITIONS : p.partition;
      await this.o.store.save(this.o.group, p.topic, partition, {
        nextOffset: p.offset,
        positions: Object.fromEntries([...slot.next].map(([k, v]) => [k, v.toString()])),
        state,
      });
      this.log.debug({ topic: p.topic, partition, bytes: state.length }, 'checkpoint saved');
    }
  }

  async onAssignment(assignment: Readonly<Record<string, number[]>>): Promise<void> {
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => this.slotKey(t, p))));
    for (const key of this.slots.keys()) if (!owned.has(key)) this.slots.delete(key);
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const partition of parts) {
        const key = this.slotKey(topic, partition);
        if (!this.slots.has(key))
          this.slots.set(key, await this.restore(topic, this.o.scope === 'all' ? ALL_PARTITIONS : partition));
      }
    }
  }

  private async restore(topic: string, partition: number): Promise<Slot> {
    const saved = await this.o.store.load(this.o.group, topic, partition);
    if (!saved) return { processor: this.o.createProcessor(null), next: new Map() };
    const next = new Map(Object.entries(saved.positions).map(([k, v]) => [k, BigInt(v)]));
    this.log.info({ topic, partition, next: saved.positions }, 'state restored from checkpoint');
    return { processor: this.o.createProcessor(saved.state), next };
  }

  async close(): Promise<void> {
    this.slots.clear();
  }
}
