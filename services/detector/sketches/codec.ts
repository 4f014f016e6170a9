/** Typed arrays as base64 (little-endian, the platform order of every supported Node target) for state snapshots. */
export function encodeArray(array: Uint8Array | Int32Array | Float32Array | Float64Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decodeBytes(text: string, bytesPerItem: number, expectedItems: number): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== bytesPerItem * expectedItems) {
    throw new RangeError(`snapshot array has ${bytes.byteLength} bytes, expected ${bytesPerItem * expectedItems}`);
  }
  return bytes;
}

/** Copies into a fresh, aligned buffer (a Buffer view from base64 may not be aligned for wide types). */
export function decodeFloat64(text: string, items: number): Float64Array {
  const bytes = decodeBytes(text, 8, items);
  return new Float64Array(new Uint8Array(bytes).buffer);
}

export function decodeFloat32(text: string, items: number): Float32Array {
  const bytes = decodeBytes(text, 4, items);
  return new Float32Array(new Uint8Array(bytes).buffer);
}

export function decodeInt32(text: string, items: number): Int32Array {
  const bytes = decodeBytes(text, 4, items);
  return new Int32Array(new Uint8Array(bytes).buffer);
}

export function decodeUint8(text: string, items: number): Uint8Array {
  return new Uint8Array(decodeBytes(text, 1, items));
}
