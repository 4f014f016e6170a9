import { decodeArray, encodeArray, sketchStorage } from './codec.ts';
import { addHash, addMixedHashes, estimateRegisters } from './hyperloglog.ts';

export interface RotatingDistinctSnapshot {
  generationStart: number;
  adds: [number, number];
  current: string;
  previous: string;
}

/**
 * Distinct count over the last one to two generations of event time: two HyperLogLogs, the older dropped when a
 * new generation starts. Also counts the additions in the same span, for ratios such as distinct/requests. Both
 * generations' registers are one run of 2 · 2^p bytes of a (possibly shared) array; rotating swaps their halves.
 */
export class RotatingDistinct {
  private readonly registers: Uint8Array;
  private readonly m: number;
  /** Where the current and the previous generation's registers start in `registers`. */
  private current: number;
  private previous: number;
  /** -1: no generation yet (event times are after 2000, so never adjacent to it). */
  private generationStart = -1;
  private currentAdds = 0;
  private previousAdds = 0;

  /**
   * `storage` and `at`: the 2 · 2^p zeroed bytes from index `at` to use (part of a key's one buffer, which all its
   * distinct counters share); default a new array.
   */
  constructor(
    readonly p: number,
    readonly generationMs: number,
    storage?: Uint8Array,
    at = 0,
  ) {
    if (p < 4 || p > 16) throw new RangeError(`HyperLogLog precision ${p} outside 4..16`);
    this.m = 1 << p;
    this.registers = sketchStorage('RotatingDistinct', Uint8Array, 2 * this.m, storage, at);
    this.current = at;
    this.previous = at + this.m;
  }

  /** Rotates generations up to event time `ts` (out-of-order events never rotate backwards). */
  private rotateTo(ts: number): void {
    const start = Math.floor(ts / this.generationMs) * this.generationMs;
    if (start <= this.generationStart) return;
    if (start - this.generationStart === this.generationMs) {
      const retired = this.previous;
      this.registers.fill(0, retired, retired + this.m);
      this.previous = this.current;
      this.current = retired;
      this.previousAdds = this.currentAdds;
    } else {
      this.registers.fill(0, this.current, this.current + this.m);
      this.registers.fill(0, this.previous, this.previous + this.m);
      this.previousAdds = 0;
    }
    this.currentAdds = 0;
    this.generationStart = start;
  }

  add(hash: number, ts: number): void {
    this.rotateTo(ts);
    addHash(this.registers, this.current, this.p, hash);
    this.currentAdds++;
  }

  /** Adds raw token hashes (mixed here) as one item, e.g. the words of one prompt. */
  addAll(hashes: Int32Array, count: number, ts: number): void {
    this.rotateTo(ts);
    addMixedHashes(this.registers, this.current, this.p, hashes, count);
    this.currentAdds++;
  }

  /** Additions counted without a new distinct value (e.g. requests behind a token-level sketch). */
  countOnly(ts: number): void {
    this.rotateTo(ts);
    this.currentAdds++;
  }

  distinct(): number {
    return estimateRegisters(this.registers, this.current, this.registers, this.previous, this.m);
  }

  /** Distinct values of the current generation that the previous one had not seen. */
  newDistinct(): number {
    const previous = estimateRegisters(this.registers, this.previous, this.registers, this.previous, this.m);
    return Math.max(0, this.distinct() - previous);
  }

  adds(): number {
    return this.currentAdds + this.previousAdds;
  }

  currentGenerationAdds(): number {
    return this.currentAdds;
  }

  private generation(at: number): Uint8Array {
    return this.registers.subarray(at, at + this.m);
  }

  snapshot(): RotatingDistinctSnapshot {
    return {
      generationStart: this.generationStart,
      adds: [this.currentAdds, this.previousAdds],
      current: encodeArray(this.generation(this.current)),
      previous: encodeArray(this.generation(this.previous)),
    };
  }

  /** Sets both generations to a snapshot (validated lengths; throws on a torn one). */
  load(s: RotatingDistinctSnapshot): void {
    const current = decodeArray(Uint8Array, s.current, this.m);
    const previous = decodeArray(Uint8Array, s.previous, this.m);
    this.registers.set(current, this.current);
    this.registers.set(previous, this.previous);
    this.generationStart = s.generationStart;
    [this.currentAdds, this.previousAdds] = s.adds;
  }
}
