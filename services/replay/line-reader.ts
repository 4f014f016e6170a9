import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number in the file. */
  number: number;
  /** The line's bytes without the newline (and without a trailing CR). */
  bytes: Buffer;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const CHUNK_BYTES = 1 << 20;

function trimCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}

/**
 * Streams a JSONL file as batches of lines (one batch per read chunk), splitting on the newline byte, which never
 * occurs inside a UTF-8 multi-byte sequence, so decoding stays per line and memory stays bounded by the chunk.
 * `onBytes` reports progress in bytes read.
 */
export async function* readLineBatches(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<Line[]> {
  let carry: Buffer | null = null;
  let number = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const batch: Line[] = [];
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      batch.push({ number: ++number, bytes: trimCr(data.subarray(start, nl)) });
      start = nl + 1;
    }
    carry = start < data.length ? Buffer.from(data.subarray(start)) : null;
    if (batch.length) yield batch;
  }
  if (carry?.length) yield [{ number: ++number, bytes: trimCr(carry) }];
}
