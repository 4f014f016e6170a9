import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';

/** The lines of one read chunk: their positions in `data`, so no line needs a Buffer of its own. */
export interface LineBatch {
  /** The bytes holding the lines. */
  data: Buffer;
  /** 1-based line number of the first line in the file. */
  first: number;
  /** Start of each line in `data`. */
  starts: number[];
  /** End of each line (exclusive), without the newline and without a trailing CR. */
  ends: number[];
  /** Every line is valid UTF-8 (checked once for the batch): each can be decoded without a check of its own. */
  utf8: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const CHUNK_BYTES = 1 << 20;

function batchOf(data: Buffer, first: number, limit: number): LineBatch {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  const add = (end: number) => {
    starts.push(start);
    ends.push(end > start && data[end - 1] === CR ? end - 1 : end);
  };
  for (let nl = data.indexOf(NEWLINE, start); nl !== -1 && nl < limit; nl = data.indexOf(NEWLINE, start)) {
    add(nl);
    start = nl + 1;
  }
  if (limit === data.length && start < limit) add(limit);
  return { data, first, starts, ends, utf8: isUtf8(data.subarray(0, limit)) };
}

/**
 * Streams a JSONL file as batches of lines (one batch per read chunk), splitting on the newline byte, which never
 * occurs inside a UTF-8 multi-byte sequence, so decoding stays per line and memory stays bounded by the chunk.
 * `onBytes` reports progress in bytes read.
 */
export async function* readLineBatches(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null;
  let number = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = data.lastIndexOf(NEWLINE);
    carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : null;
    if (last === -1) continue;
    const batch = batchOf(data, number + 1, last + 1);
    number += batch.starts.length;
    yield batch;
  }
  if (carry?.length) yield batchOf(carry, number + 1, carry.length);
}
