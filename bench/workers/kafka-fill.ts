// Pre-fills a topic with `--count` usage.v1 messages of about `--value-bytes` each (kafkajs producer, acks=all).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../services/common/config/index.ts';
import { emitResult } from '../lib/child.ts';
import { benchKafka } from '../lib/kafka.ts';
import { syntheticEvent } from '../lib/synthetic-events.ts';

const { values } = parseArgs({
  options: { topic: { type: 'string' }, count: { type: 'string' }, 'value-bytes': { type: 'string', default: '400' } },
});
const topic = values.topic!;
const count = Number(values.count);
// An event without prompt text serialises to about 420 bytes; the prompt makes up the rest.
const promptChars = Math.max(0, Number(values['value-bytes']) - 420);
const BATCH = 2_000;
const IN_FLIGHT = 4;

const producer = benchKafka(loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env })).producer();
await producer.connect();
const started = Date.now();
let bytes = 0;

function batch(from: number) {
  const messages = [];
  for (let i = from; i < Math.min(count, from + BATCH); i++) {
    const event = syntheticEvent(i, { keys: 50_000, promptChars, rate: 1000 });
    const value = JSON.stringify(event);
    bytes += value.length;
    messages.push({ key: event.api_key_id, value });
  }
  return producer.send({ topic, messages });
}

let next = 0;
async function lane(): Promise<void> {
  while (next < count) {
    const from = next;
    next += BATCH;
    await batch(from);
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
await producer.disconnect();
emitResult({ count, meanValueBytes: bytes / Math.max(1, count), seconds: (Date.now() - started) / 1000 });
