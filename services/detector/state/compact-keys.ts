import type { DecayedSumsValues } from '../sketches/decayed-sums.ts';
import { BASELINE_FLOATS, type BaselineValues } from './baseline.ts';
import { INSTRUCTED_FIELDS, type KeyIdentity } from './key-state.ts';
import { StringPool } from './string-pool.ts';

/**
 * An idle key reduced to what must survive: who it is, when it was last seen, its own baseline, and the sub-stream of
 * its classifier-flagged prompts, whose half-life (6 h by default) outlasts the idle time after which a key is
 * compacted (2 h): a harvester that pauses between sessions keeps adding to it instead of starting again.
 */
export interface CompactKey extends KeyIdentity {
  lastSeen: number;
  baseline: BaselineValues;
  instructed: DecayedSumsValues;
}

/**
 * One record of doubles per idle key: times, interned identity strings, the flagged-prompt sub-stream's landmark,
 * then the baseline's statistics and the sub-stream's sums.
 */
const FIRST_SEEN = 0;
const LAST_SEEN = 1;
/** NaN for "no creation time" (null). */
const CREATED_AT = 2;
const SAMPLES = 3;
const SINCE = 4;
const ORG = 5;
const MODEL = 6;
const ENDPOINT = 7;
/** -1 for a sub-stream that never saw an event. */
const INSTRUCTED_LANDMARK = 8;
const BASELINE = 9;
const INSTRUCTED = BASELINE + BASELINE_FLOATS;
const RECORD = INSTRUCTED + INSTRUCTED_FIELDS;
/** Records per arena chunk (~1.2 MB), so growing never copies the records already held. */
const CHUNK_SLOTS = 4096;

/** Reused by `locate` (read at once by every caller). */
const located: { chunk: Float64Array; at: number } = { chunk: new Float64Array(0), at: 0 };

/**
 * Idle (compacted) keys by api_key_id, as packed records in chunks of one shared Float64Array arena instead of an
 * object, a baseline object and a typed array (with its own backing store) each: ~0.35 KB per key plus its Map entry
 * and id. `slots` keeps Map semantics and order (a new id goes to the end, an existing one keeps its place), which
 * sweeps, eviction and checkpoints depend on. Freed records are reused; chunks are kept for the store's lifetime.
 */
export class CompactKeys {
  /** api_key_id → record slot, in insertion order. */
  readonly slots = new Map<string, number>();
  private readonly chunks: Float64Array[] = [];
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private readonly strings = new StringPool();

  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Stores `key` (copied) under `id`: at the end of the order for a new id, in place for a known one. */
  set(id: string, key: CompactKey): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.allocate();
      this.slots.set(id, slot);
    } else this.releaseStrings(slot);
    const { chunk, at } = this.locate(slot);
    chunk[at + FIRST_SEEN] = key.firstSeen;
    chunk[at + LAST_SEEN] = key.lastSeen;
    chunk[at + CREATED_AT] = key.createdAtMs ?? Number.NaN;
    chunk[at + SAMPLES] = key.baseline.samples;
    chunk[at + SINCE] = key.baseline.since;
    chunk[at + ORG] = this.strings.hold(key.orgId);
    chunk[at + MODEL] = this.strings.hold(key.model);
    chunk[at + ENDPOINT] = this.strings.hold(key.endpoint);
    chunk.set(key.baseline.data.subarray(0, BASELINE_FLOATS), at + BASELINE);
    chunk[at + INSTRUCTED_LANDMARK] = key.instructed.landmark;
    chunk.fill(0, at + INSTRUCTED, at + RECORD);
    chunk.set(key.instructed.data.subarray(0, INSTRUCTED_FIELDS), at + INSTRUCTED);
  }

  /**
   * The key stored under `id`; its `baseline.data` and `instructed.data` are views of the arena, valid until the store
   * next changes (copy them before then).
   */
  get(id: string): CompactKey | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    const { chunk, at } = this.locate(slot);
    const createdAt = chunk[at + CREATED_AT]!;
    return {
      orgId: this.strings.get(chunk[at + ORG]!),
      model: this.strings.get(chunk[at + MODEL]!),
      endpoint: this.strings.get(chunk[at + ENDPOINT]!),
      firstSeen: chunk[at + FIRST_SEEN]!,
      createdAtMs: Number.isNaN(createdAt) ? null : createdAt,
      lastSeen: chunk[at + LAST_SEEN]!,
      baseline: {
        samples: chunk[at + SAMPLES]!,
        since: chunk[at + SINCE]!,
        data: chunk.subarray(at + BASELINE, at + INSTRUCTED),
      },
      instructed: { landmark: chunk[at + INSTRUCTED_LANDMARK]!, data: chunk.subarray(at + INSTRUCTED, at + RECORD) },
    };
  }

  /** Event time the key in `slot` (a value of `slots`) was last seen. */
  lastSeenAt(slot: number): number {
    const { chunk, at } = this.locate(slot);
    return chunk[at + LAST_SEEN]!;
  }

  delete(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    this.slots.delete(id);
    this.releaseStrings(slot);
    this.freeSlots.push(slot);
    return true;
  }

  ids(): IterableIterator<string> {
    return this.slots.keys();
  }

  private allocate(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.slotCount === this.chunks.length * CHUNK_SLOTS) this.chunks.push(new Float64Array(CHUNK_SLOTS * RECORD));
    return this.slotCount++;
  }

  /** The chunk holding `slot`'s record and where in it the record starts (no allocation: sweeps read every key). */
  private locate(slot: number): { chunk: Float64Array; at: number } {
    located.chunk = this.chunks[Math.floor(slot / CHUNK_SLOTS)]!;
    located.at = (slot % CHUNK_SLOTS) * RECORD;
    return located;
  }

  private releaseStrings(slot: number): void {
    const { chunk, at } = this.locate(slot);
    this.strings.release(chunk[at + ORG]!);
    this.strings.release(chunk[at + MODEL]!);
    this.strings.release(chunk[at + ENDPOINT]!);
  }
}
