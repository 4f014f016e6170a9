/** Typed arrays as base64 (little-endian, the platform order of every supported Node target) for state snapshots. */
export function encodeArray(array: Uint8Array | Int32Array | Float32Array | Float64Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

interface ArrayType<T> {
  new (buffer: ArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * Decodes a snapshot array of exactly `items` into a fresh, aligned array (a Buffer view from base64 may not be
 * aligned for wide types). With `atMost`, fewer whole items are accepted too (a snapshot written before fields were
 * appended); the caller pads.
 */
export function decodeArray<T>(Type: ArrayType<T>, text: string, items: number, atMost = false): T {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  const count = bytes.byteLength / Type.BYTES_PER_ELEMENT;
  if (atMost ? !Number.isInteger(count) || count > items : count !== items) {
    const expected = `${atMost ? 'at most ' : ''}${Type.BYTES_PER_ELEMENT * items}`;
    throw new RangeError(`snapshot array has ${bytes.byteLength} bytes, expected ${expected}`);
  }
  return new Type(bytes.buffer);
}
