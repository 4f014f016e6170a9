import type { Alert } from '../../schemas/alert-v1.ts';
import type { Logger } from '../common/logger.ts';
import type { DetectorPipeline, KeyFeatureSnapshot, PipelineOutput } from '../detector/types.ts';
import type { CommitPosition, EventSink, SourcedEvent } from '../stream/sink.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/** A detector pipeline whose whole state can be saved and restored (one per source partition). */
export interface CheckpointablePipeline extends DetectorPipeline {
  snapshot(): Buffer;
}

export interface DetectorSinkOptions {
  group: string;
  /** Builds a partition's pipeline, from its saved state when there is one. */
  createPipeline(state: Buffer | null): CheckpointablePipeline;
  store: CheckpointStore;
  persistFeatures(rows: readonly KeyFeatureSnapshot[]): Promise<void>;
  persistAlerts(alerts: readonly Alert[]): Promise<void>;
  publishAlerts(alerts: readonly Alert[]): Promise<void>;
  logger: Logger;
}

interface PartitionState {
  pipeline: CheckpointablePipeline;
  /** Events below this offset are already in the state (restored or processed); redeliveries are not recounted. */
  skipBelow: bigint;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Runs the detector on each batch exactly once (a retried write only re-persists its outputs) with one pipeline per
 * source partition, so partitions move between instances with their state.
 */
export class DetectorSink implements EventSink {
  readonly name = 'detector';
  private readonly partitions = new Map<string, PartitionState>();
  private processedBatch: readonly SourcedEvent[] | null = null;
  private pending: PipelineOutput | null = null;
  private readonly log: Logger;

  constructor(private readonly o: DetectorSinkOptions) {
    this.log = o.logger.child({ component: 'detector-sink' });
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
      const state = this.stateOf(source.topic, source.partition);
      const offset = BigInt(source.offset);
      if (offset < state.skipBelow) continue;
      state.skipBelow = offset + 1n;
      const result = state.pipeline.process(event);
      for (const a of result.alerts) out.alerts.push(a);
      for (const f of result.features) out.features.push(f);
    }
    return out;
  }

  /** A partition seen before its assignment was restored starts empty (first run of a new consumer group). */
  private stateOf(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let state = this.partitions.get(key);
    if (!state) {
      state = { pipeline: this.o.createPipeline(null), skipBelow: 0n };
      this.partitions.set(key, state);
    }
    return state;
  }

  async checkpoint(positions: readonly CommitPosition[]): Promise<void> {
    for (const p of positions) {
      const state = this.partitions.get(partitionKey(p.topic, p.partition));
      if (!state) continue;
      const snapshot = state.pipeline.snapshot();
      await this.o.store.save(this.o.group, p.topic, p.partition, { nextOffset: p.offset, state: snapshot });
      this.log.debug(
        { topic: p.topic, partition: p.partition, offset: p.offset, bytes: snapshot.length },
        'checkpoint saved',
      );
    }
  }

  async onAssignment(assignment: Readonly<Record<string, number[]>>): Promise<void> {
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => partitionKey(t, p))));
    for (const key of this.partitions.keys()) if (!owned.has(key)) this.partitions.delete(key);
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const partition of parts) {
        if (this.partitions.has(partitionKey(topic, partition))) continue;
        const saved = await this.o.store.load(this.o.group, topic, partition);
        const pipeline = this.o.createPipeline(saved?.state ?? null);
        this.partitions.set(partitionKey(topic, partition), {
          pipeline,
          skipBelow: saved ? BigInt(saved.nextOffset) : 0n,
        });
        this.log.info({ topic, partition, restoredFrom: saved?.nextOffset ?? null }, 'partition state ready');
      }
    }
  }

  async close(): Promise<void> {
    this.partitions.clear();
  }
}
