/** Typed arrays as base64 (little-endian, the platform order of every supported Node target) for state snapshots. */
export function encodeArray(array: Uint8Array | Int32Array | Float32Array | Float64Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

interface ArrayType<T> {
  new (buffer: ArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * Decodes a snapshot array of exactly `items` (without `items`: any whole number) into a fresh, aligned array (a
 * Buffer view from base64 may not be aligned for wide types).
 */
export function decodeArray<T>(Type: ArrayType<T>, text: string, items?: number): T {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  const count = bytes.byteLength / Type.BYTES_PER_ELEMENT;
  if (items === undefined ? !Number.isInteger(count) : count !== items) {
    const expected = items === undefined ? `a multiple of ${Type.BYTES_PER_ELEMENT}` : Type.BYTES_PER_ELEMENT * items;
    throw new RangeError(`snapshot array has ${bytes.byteLength} bytes, expected ${expected}`);
  }
  return new Type(bytes.buffer);
}

/**
 * The per-field items of a snapshot as `fields` items: one written before fields were appended (a new feature) has
 * fewer, and the missing ones are undefined for the caller to start empty, so adding a field does not invalidate
 * checkpoints. More fields than expected is an error.
 */
export function appendedFields<T>(stored: ArrayLike<T>, fields: number, what: string): Array<T | undefined> {
  if (stored.length > fields) throw new RangeError(`${what} holds ${stored.length} fields, expected at most ${fields}`);
  return Array.from({ length: fields }, (_, i) => stored[i]);
}

/** A sketch's array: `storage` (its run from `at` of a key's one buffer) or a new one; throws when the run is outside. */
export function sketchStorage<T extends { readonly length: number }>(
  name: string,
  Type: new (length: number) => T,
  length: number,
  storage: T | undefined,
  at: number,
): T {
  const data = storage ?? new Type(length);
  if (at < 0 || at + length > data.length) throw new RangeError(`${name} storage too small`);
  return data;
}
