import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { rejectedEvent } from '../consumer/dead-letter.ts';
import type { CommitPosition, DeadLetter, EventSink, SourcedEvent } from '../consumer/sink.ts';
import type { KeyFeatureSnapshot, PipelineOutput } from '../detector/types.ts';
import { restoreChain, type SavedChain } from './checkpoint-restore.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/**
 * Event-time processing whose whole state can be saved and restored: a detector pipeline or stage 2. One that can
 * also say what changed since its last snapshot (`delta`) is checkpointed incrementally. States are saved and loaded
 * in pages, so no single string or Buffer has to hold a whole state.
 */
export interface StatefulProcessor {
  process(event: UsageEvent): PipelineOutput;
  /** The whole state in pages, taken one at a time while they are written; the next `delta` is relative to it. */
  snapshot(): Iterable<Buffer>;
  /** What changed since the previous `snapshot` or `delta`, in pages; null when it cannot tell (then a full one is saved). */
  delta?(): Iterable<Buffer> | null;
  /**
   * Loads the next page of a saved checkpoint: the pages of a full one into a new processor, then those of each
   * delta over it, in order. True when the page completes its checkpoint; throws when it refuses the page.
   */
  load(page: Buffer): boolean;
}

/** `partition`: one processor per source partition (detector); `all`: one for every partition (coordination). */
type StateScope = 'partition' | 'all';

/** Checkpoint partition number under which an `all`-scoped processor is saved. */
const ALL_PARTITIONS = 4_294_967_295;

export interface StatefulSinkOptions {
  name: string;
  group: string;
  scope: StateScope;
  /** Builds a new processor, with an empty state (a restore then loads pages into it). */
  createProcessor(): StatefulProcessor;
  store: CheckpointStore;
  /** Most delta checkpoints after a full one (`DG_CHECKPOINT_FULL_EVERY`); 0 saves only full checkpoints. */
  fullEvery: number;
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
  /** The saved chain the state continues (the next delta goes over its last link); null: the next save is full. */
  chain: SavedChain | null;
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

/** Waits for every write, then throws the first failure: a retry never overlaps a write still running. */
async function allSettledOrThrow(writes: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

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
      // Features and alerts go to different tables: one round trip for both. Both settle before a failure is thrown,
      // so the retry never overlaps a write still running; the alerts are published only once both are stored.
      await allSettledOrThrow([this.o.persistFeatures(batch.out.features), this.o.persistAlerts(batch.out.alerts)]);
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
      slot = { processor: this.o.createProcessor(), next: new Map(), chain: null };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /**
   * Saves every touched slot, the slots side by side (one ClickHouse round trip instead of one per partition). Each
   * save settles before this returns or throws, so a retry never overlaps a save still running; a slot whose save
   * failed starts a new chain, the others go on with theirs.
   */
  async checkpoint(positions: readonly CommitPosition[]): Promise<void> {
    const touched = new Map<string, CommitPosition>();
    for (const p of positions) touched.set(this.slotKey(p.topic, p.partition), p);
    const saves = [...touched].flatMap(([key, p]) => {
      const slot = this.slots.get(key);
      return slot ? [this.save(slot, p.topic, this.o.scope === 'all' ? ALL_PARTITIONS : p.partition, p.offset)] : [];
    });
    await allSettledOrThrow(saves);
  }

  /**
   * A delta over the slot's chain while the chain is short (fewer than `fullEvery` deltas, deltas smaller in sum than
   * its full checkpoint); otherwise, and after any failed save, a full checkpoint that starts a new chain.
   */
  private async save(slot: Slot, topic: string, partition: number, nextOffset: string): Promise<void> {
    const chain = slot.chain;
    slot.chain = null;
    const short = chain && chain.deltas < this.o.fullEvery && chain.deltaBytes < chain.fullBytes;
    const delta = short ? (slot.processor.delta?.() ?? null) : null;
    const saved = await this.o.store.save(this.o.group, topic, partition, {
      kind: delta ? 'delta' : 'full',
      parent: delta ? chain!.version : 0,
      nextOffset,
      positions: Object.fromEntries([...slot.next].map(([k, v]) => [k, v.toString()])),
      pages: delta ?? slot.processor.snapshot(),
    });
    const { version, bytes, pages, stale } = saved;
    slot.chain =
      delta && chain
        ? { version, deltas: chain.deltas + 1, deltaBytes: chain.deltaBytes + bytes, fullBytes: chain.fullBytes }
        : { version, deltas: 0, deltaBytes: 0, fullBytes: bytes };
    const kind = delta ? 'delta' : 'full';
    this.log.debug({ topic, partition, version, kind, bytes, pages, stalePages: stale?.rows }, 'checkpoint saved');
    if (stale?.error)
      this.log.warn(
        { topic, partition, version, err: stale.error },
        'pages of superseded checkpoints not removed (the checkpoint is saved; the next save tries again)',
      );
  }

  /**
   * Restores newly assigned partitions and returns, for each, the position its restored state ends at: the consumer
   * resumes there. Kafka's committed offset is usually that position or below it (commit after checkpoint), but it
   * is past it when the restore fell back to an older link (a delta lost or unreadable after its offsets were
   * committed); reading on from the committed offset would then leave events out of the state.
   */
  async onAssignment(assignment: Readonly<Record<string, number[]>>): Promise<CommitPosition[]> {
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => this.slotKey(t, p))));
    for (const key of this.slots.keys()) if (!owned.has(key)) this.slots.delete(key);
    const resume: CommitPosition[] = [];
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const partition of parts) {
        const key = this.slotKey(topic, partition);
        if (this.slots.has(key)) continue;
        const slot = await this.restore(topic, this.o.scope === 'all' ? ALL_PARTITIONS : partition);
        this.slots.set(key, slot);
        for (const [pk, offset] of slot.next) {
          const at = pk.lastIndexOf(':');
          const [t, p] = [pk.slice(0, at), Number(pk.slice(at + 1))];
          if (assignment[t]?.includes(p)) resume.push({ topic: t, partition: p, offset: offset.toString() });
        }
      }
    }
    return resume;
  }

  private async restore(topic: string, partition: number): Promise<Slot> {
    const restored = await restoreChain(this.o.store, this.o.group, topic, partition, this.o.createProcessor);
    if (!restored) return { processor: this.o.createProcessor(), next: new Map(), chain: null };
    const { processor, positions, chain, problems, behind } = restored;
    const next = new Map(Object.entries(positions).map(([k, v]) => [k, BigInt(v)]));
    const where = { topic, partition, version: chain.version, deltas: chain.deltas, next: positions };
    if (problems.length > 0 || behind)
      this.log.error(
        { ...where, problems },
        'checkpoint chain broken: state restored from the last good checkpoint, events after it are read again',
      );
    else this.log.info(where, 'state restored from checkpoint');
    // After a fallback the stored chain is not the state's: the next save starts a new one.
    return { processor, next, chain: behind ? null : chain };
  }

  async close(): Promise<void> {
    this.slots.clear();
  }
}
