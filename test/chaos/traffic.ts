import type { Kafka } from 'kafkajs';
import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import { simulate } from '../../services/simulator/index.ts';
import { SMALL_MIXED_POPULATION } from '../fixtures/small-population.ts';

/**
 * The first `count` events of a seeded simulation (benign heavy users and one campaign of each attack, so the
 * detector raises alerts), renamed `chaos-<i>` so stored ids can be checked against the produced range.
 */
export function chaosEvents(count: number): UsageEventInput[] {
  const hours = Math.max(2, Math.ceil(count / 3_000));
  const out: UsageEventInput[] = [];
  for (const event of simulate({ seed: 5, hours, population: SMALL_MIXED_POPULATION, hydraMembers: 8 }).events) {
    out.push({ ...event, event_id: `chaos-${out.length}` });
    if (out.length === count) break;
  }
  if (out.length < count) throw new Error(`simulation gave ${out.length} events, ${count} wanted`);
  return out;
}

/** Produces events [from, to) in batches, optionally paced to `ratePerSec`. */
export async function produceRange(
  kafka: Kafka,
  topic: string,
  events: readonly UsageEventInput[],
  from: number,
  to: number,
  ratePerSec = 0,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  try {
    for (let i = from; i < to; i += 1000) {
      const messages = events
        .slice(i, Math.min(to, i + 1000))
        .map((e) => ({ key: e.api_key_id, value: JSON.stringify(e) }));
      await producer.send({ topic, acks: -1, messages });
      if (ratePerSec > 0) {
        const wait = started + ((i + 1000 - from) / ratePerSec) * 1000 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    await producer.disconnect();
  }
}
