interface ArrayType<T> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * Hands out consecutive typed-array views of one ArrayBuffer, so the dozen sketches of a key cost one allocation
 * instead of one backing store (with its V8 and allocator overhead) each. Views of wider types come first, so no
 * padding is needed; a view that does not fit or is misaligned throws (RangeError).
 */
export class BufferCarver {
  private offset = 0;
  readonly buffer: ArrayBuffer;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  take<T>(Type: ArrayType<T>, length: number): T {
    const view = new Type(this.buffer, this.offset, length);
    this.offset += length * Type.BYTES_PER_ELEMENT;
    return view;
  }

  /** Bytes not handed out yet (0 once a layout has used its buffer exactly). */
  get remaining(): number {
    return this.buffer.byteLength - this.offset;
  }
}
