import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { TimedEvent } from '../key-stream.ts';

const CHUNK_CHARS = 1 << 20;

/** Writes events as JSON lines, in chunks, honouring the stream's backpressure. Returns the event count. */
export async function writeJsonl(
  path: string,
  events: Iterable<TimedEvent>,
  onEvent: (timed: TimedEvent, count: number) => void = () => {},
): Promise<number> {
  const out = createWriteStream(path);
  await once(out, 'open');
  const closed = once(out, 'close');
  let chunk = '';
  let count = 0;
  for (const timed of events) {
    chunk += `${JSON.stringify(timed.event)}\n`;
    count += 1;
    onEvent(timed, count);
    if (chunk.length >= CHUNK_CHARS) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await closed;
  return count;
}
