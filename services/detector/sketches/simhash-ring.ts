import { type PromptFingerprint, popcount32 } from '../../common/text/fingerprint.ts';
import { decodeArray, encodeArray } from './codec.ts';

export interface SimhashRingSnapshot {
  filled: number;
  next: number;
  data: string;
}

/** The key's most recent prompt fingerprints (bounded), to measure template share and novelty of new prompts. */
export class SimhashRing {
  private readonly data: Int32Array;
  private filled = 0;
  private next = 0;

  /** `storage`: `2 * size` zeroed ints to use (a view into a key's one buffer); default a new array. */
  constructor(
    readonly size: number,
    storage?: Int32Array,
  ) {
    this.data = storage ?? new Int32Array(2 * size);
  }

  /** Smallest Hamming distance from `fp` to any stored fingerprint; 64 when the ring is empty. */
  minDistance(fp: PromptFingerprint): number {
    let best = 64;
    const hi = fp.hi | 0;
    const lo = fp.lo | 0;
    for (let i = 0; i < this.filled && best > 0; i++) {
      const d = popcount32(this.data[2 * i]! ^ hi) + popcount32(this.data[2 * i + 1]! ^ lo);
      if (d < best) best = d;
    }
    return best;
  }

  push(fp: PromptFingerprint): void {
    this.data[2 * this.next] = fp.hi | 0;
    this.data[2 * this.next + 1] = fp.lo | 0;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  snapshot(): SimhashRingSnapshot {
    return { filled: this.filled, next: this.next, data: encodeArray(this.data) };
  }

  /** Sets this ring to a snapshot (validated length; throws on a torn one). */
  load(s: SimhashRingSnapshot): void {
    this.data.set(decodeArray(Int32Array, s.data, 2 * this.size));
    this.filled = s.filled;
    this.next = s.next;
  }
}
