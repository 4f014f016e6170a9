import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { Logger } from '../common/logger.ts';
import type { KeyFeatureSnapshot, PipelineOutput } from '../detector/types.ts';
import type { CommitPosition, EventSink, SourcedEvent } from '../stream/sink.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/** Event-time processing whose whole state can be saved and restored: a detector pipeline or stage 2. */
export interface StatefulProcessor {
  process(event: UsageEvent): PipelineOutput;
  snapshot(): Buffer;
}

/** `partition`: one processor per source partition (detector); `all`: one for every partition (coordination). */
export type StateScope = 'partition' | 'all';

/** Checkpoint partition number under which an `all`-scoped processor is saved. */
export const ALL_PARTITIONS = 4_294_967_295;

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
  logger: Logger;
}

interface Slot {
  processor: StatefulProcessor;
  /** Per source partition: events below this offset are already in the state; redeliveries are not recounted. */
  next: Map<string, bigint>;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Runs a stateful processor on each batch exactly once (a retried write only re-persists its outputs), checkpoints
 * its state with the offsets it covers before they are committed, and restores it when partitions are assigned.
 */
export class StatefulSink implements EventSink {
  readonly name: string;
  private readonly slots = new Map<string, Slot>();
  private processedBatch: readonly SourcedEvent[] | null = null;
  private pending: PipelineOutput | null = null;
  private readonly log: Logger;

  constructor(private readonly o: StatefulSinkOptions) {
    this.name = o.name;
    this.log = o.logger.child({ component: o.name });
  }

  private slotKey(topic: string, partition: number): string {
    return this.o.scope === 'all' ? `${topic}:all` : partitionKey(topic, partition);
  }

  async write(events: readonly SourcedEvent[]) {
    if (this.processedBatch !== events) {
      this.pending = this.process(events);
      this.processedBatch = events;
    }
    const out = this.pending;
    if (out) {
      await this.o.persistFeatures(out.features);
      await this.o.persistAlerts(out.alerts);
      await this.o.publishAlerts(out.alerts);
      this.pending = null;
    }
    return { rejected: [] };
  }

  private process(events: readonly SourcedEvent[]): PipelineOutput {
    const out: PipelineOutput = { alerts: [], features: [] };
    for (const { event, source } of events) {
      const slot = this.slotOf(source.topic, source.partition);
      const pk = partitionKey(source.topic, source.partition);
      const offset = BigInt(source.offset);
      if (offset < (slot.next.get(pk) ?? 0n)) continue;
      slot.next.set(pk, offset + 1n);
      const result = slot.processor.process(event);
      for (const a of result.alerts) out.alerts.push(a);
      for (const f of result.features) out.features.push(f);
    }
    return out;
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
