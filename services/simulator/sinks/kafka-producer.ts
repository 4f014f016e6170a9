import type { Message, Producer } from 'kafkajs';
import { sleep } from '../../common/retry.ts';
import type { TimedEvent } from '../key-stream.ts';

export interface ProduceOptions {
  topic: string;
  /** Target events per second; 0 sends as fast as the broker accepts. */
  rate: number;
  batchSize: number;
  /** Batches awaiting acknowledgement at once; overlaps broker round trips with generation. */
  maxInFlight: number;
}

export interface ProduceResult {
  count: number;
  seconds: number;
  /** Achieved events per second. */
  rate: number;
}

/** Waits until `sent` events are due at `rate` per second since `startedAt` (wall clock paces the producer). */
async function pace(sent: number, rate: number, startedAt: number): Promise<void> {
  if (rate <= 0) return;
  const dueAt = startedAt + (sent / rate) * 1000;
  const ahead = dueAt - performance.now();
  if (ahead > 1) await sleep(ahead);
}

/** Produces events keyed by api_key_id in batches at a target rate; returns what was achieved. */
export async function produceEvents(
  producer: Producer,
  events: Iterable<TimedEvent>,
  options: ProduceOptions,
  onBatch: (timed: TimedEvent, count: number) => void = () => {},
): Promise<ProduceResult> {
  const startedAt = performance.now();
  const inFlight: Promise<unknown>[] = [];
  let batch: Message[] = [];
  let count = 0;
  let last: TimedEvent | undefined;
  const flush = async () => {
    inFlight.push(producer.send({ topic: options.topic, messages: batch }));
    count += batch.length;
    batch = [];
    if (inFlight.length >= options.maxInFlight) await inFlight.shift();
    if (last) onBatch(last, count);
    await pace(count, options.rate, startedAt);
  };
  for (const timed of events) {
    batch.push({ key: timed.event.api_key_id, value: JSON.stringify(timed.event) });
    last = timed;
    if (batch.length >= options.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  const seconds = (performance.now() - startedAt) / 1000;
  return { count, seconds, rate: seconds > 0 ? count / seconds : 0 };
}
