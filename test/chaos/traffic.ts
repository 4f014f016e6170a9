import type { Kafka } from 'kafkajs';

/** Deterministic valid events `chaos-<i>` over a few hundred keys; `ts` advances 50 ms per event. */
export function chaosEvent(i: number): { key: string; value: string } {
  const key = `ck-${i % 397}`;
  const event = {
    event_id: `chaos-${i}`,
    ts: 1_772_366_400_000 + i * 50,
    api_key_id: key,
    org_id: `co-${i % 41}`,
    model: 'frontier-2',
    input_tokens: 100 + (i % 900),
    output_tokens: 200 + ((i * 13) % 3000),
    prompt_text: `Question ${i % 5000}: explain the idea behind item ${i} in detail.`,
    client_ip: `198.51.100.${i % 250}`,
    client_asn: 64_512 + (i % 7),
  };
  return { key, value: JSON.stringify(event) };
}

/** Produces events [from, to) in batches, optionally paced to `ratePerSec`; retries through broker outages. */
export async function produceRange(
  kafka: Kafka,
  topic: string,
  from: number,
  to: number,
  ratePerSec = 0,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  try {
    for (let i = from; i < to; i += 1000) {
      const messages = [];
      for (let j = i; j < Math.min(to, i + 1000); j++) messages.push(chaosEvent(j));
      await producer.send({ topic, acks: -1, messages });
      if (ratePerSec > 0) {
        const due = started + ((i + 1000 - from) / ratePerSec) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    await producer.disconnect();
  }
}
