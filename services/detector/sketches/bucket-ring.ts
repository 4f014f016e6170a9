import { decodeArray, encodeArray, sketchStorage } from './codec.ts';

export interface BucketRingSnapshot {
  head: number;
  data: string;
}

/**
 * Sliding-window counters: `size` buckets of `bucketMs` event time, each with `fields` sums (e.g. requests, tokens).
 * Advancing clears the buckets that fell out of the window; late events land in their bucket while it is kept.
 */
export class BucketRing {
  /** Absolute index (ts / bucketMs) of the newest bucket; -1 before the first event. */
  private head = -1;
  private readonly data: Float32Array;

  /**
   * `storage` and `at`: the `size * fields` zeroed floats from index `at` to use (part of a key's one buffer, shared
   * with its other float sketches); default a new array.
   */
  constructor(
    readonly bucketMs: number,
    readonly size: number,
    readonly fields: number,
    storage?: Float32Array,
    private readonly at = 0,
  ) {
    this.data = sketchStorage('BucketRing', Float32Array, size * fields, storage, at);
  }

  private advanceTo(bucket: number): void {
    if (bucket <= this.head) return;
    const steps = this.head < 0 ? this.size : Math.min(this.size, bucket - this.head);
    for (let s = 1; s <= steps; s++) {
      const slot = this.at + ((bucket - steps + s) % this.size) * this.fields;
      this.data.fill(0, slot, slot + this.fields);
    }
    this.head = bucket;
  }

  /** Adds `value` to `field` of the bucket holding event time `ts`; returns false when it is older than the window. */
  add(ts: number, field: number, value: number): boolean {
    const bucket = Math.floor(ts / this.bucketMs);
    this.advanceTo(bucket);
    if (bucket <= this.head - this.size) return false;
    this.data[this.at + (bucket % this.size) * this.fields + field]! += value;
    return true;
  }

  /** Moves the window to event time `ts` without adding (so sums read "as of" that time). */
  advance(ts: number): void {
    this.advanceTo(Math.floor(ts / this.bucketMs));
  }

  /** Sum of `field` over the newest `buckets` buckets (the newest may still be filling). */
  sum(field: number, buckets = this.size): number {
    let total = 0;
    const n = Math.min(buckets, this.size, this.head + 1);
    for (let i = 0; i < n; i++) total += this.data[this.at + ((this.head - i) % this.size) * this.fields + field]!;
    return total;
  }

  max(field: number, buckets = this.size): number {
    let best = 0;
    const n = Math.min(buckets, this.size, this.head + 1);
    for (let i = 0; i < n; i++)
      best = Math.max(best, this.data[this.at + ((this.head - i) % this.size) * this.fields + field]!);
    return best;
  }

  /** Number of the newest `buckets` buckets with a non-zero `field`. */
  nonZero(field: number, buckets = this.size): number {
    let count = 0;
    const n = Math.min(buckets, this.size, this.head + 1);
    for (let i = 0; i < n; i++)
      if (this.data[this.at + ((this.head - i) % this.size) * this.fields + field]! > 0) count++;
    return count;
  }

  snapshot(): BucketRingSnapshot {
    return { head: this.head, data: encodeArray(this.data.subarray(this.at, this.at + this.size * this.fields)) };
  }

  /** Sets this ring to a snapshot (validated length; throws on a torn one). */
  load(s: BucketRingSnapshot): void {
    this.data.set(decodeArray(Float32Array, s.data, this.size * this.fields), this.at);
    this.head = s.head;
  }
}
