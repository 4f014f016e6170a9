import type { KeyFeatureSnapshot } from '../detector/types.ts';

const CHUNK_ROWS = 8192;

/** Every key-feature snapshot of a run in compact typed arrays (the Isolation Forest baseline scores them all). */
export class FeatureStore {
  private readonly chunks: Float32Array[] = [];
  private readonly keyIds: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private rowKeys = new Int32Array(CHUNK_ROWS);
  private rowTimes = new Float64Array(CHUNK_ROWS);
  size = 0;

  constructor(readonly dims: number) {}

  add(snapshot: KeyFeatureSnapshot): void {
    if (snapshot.values.length !== this.dims) throw new RangeError(`expected ${this.dims} features`);
    const chunk = Math.floor(this.size / CHUNK_ROWS);
    if (chunk === this.chunks.length) this.chunks.push(new Float32Array(CHUNK_ROWS * this.dims));
    this.chunks[chunk]!.set(snapshot.values, (this.size % CHUNK_ROWS) * this.dims);
    if (this.size === this.rowKeys.length) this.grow();
    let index = this.keyIndex.get(snapshot.api_key_id);
    if (index === undefined) {
      index = this.keyIds.push(snapshot.api_key_id) - 1;
      this.keyIndex.set(snapshot.api_key_id, index);
    }
    this.rowKeys[this.size] = index;
    this.rowTimes[this.size] = snapshot.ts;
    this.size++;
  }

  private grow(): void {
    const keys = new Int32Array(this.rowKeys.length * 2);
    keys.set(this.rowKeys);
    this.rowKeys = keys;
    const times = new Float64Array(this.rowTimes.length * 2);
    times.set(this.rowTimes);
    this.rowTimes = times;
  }

  /** Row `i`'s feature values (a view, valid until the next call for another row of the same chunk is kept). */
  row(i: number): Float32Array {
    const chunk = this.chunks[Math.floor(i / CHUNK_ROWS)]!;
    const offset = (i % CHUNK_ROWS) * this.dims;
    return chunk.subarray(offset, offset + this.dims);
  }

  keyOf(i: number): string {
    return this.keyIds[this.rowKeys[i]!]!;
  }

  timeOf(i: number): number {
    return this.rowTimes[i]!;
  }
}
