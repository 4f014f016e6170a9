import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import type { Config } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { DLQ_HEADERS } from '../../../services/consumer/dead-letter.ts';
import { StreamConsumer } from '../../../services/consumer/stream-consumer.ts';
import { createClickHouseEventSink } from '../../../services/event-store/clickhouse-event-sink.ts';
import { malformedCases } from '../../fixtures/events/malformed.ts';
import { createTestTopics, testClickHouse, testConfig, testKafka } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';

const TOTAL = 10_000;
const MALFORMED = 50;
let config: Config;
let kafka: Kafka;
let ch: Awaited<ReturnType<typeof testClickHouse>>;
const produced = new Map<string, Record<string, unknown>>();
const malformedValues: Array<Buffer | null> = [];

function validEvent(i: number): Record<string, unknown> {
  return {
    event_id: `evt-${i}`,
    ts: i % 2 ? 1_772_366_400_000 + i * 1000 : new Date(1_772_366_400_000 + i * 1000).toISOString(),
    api_key_id: `key-${i % 97}`,
    org_id: `org-${i % 13}`,
    model: 'model-x',
    input_tokens: i % 500,
    output_tokens: (i * 7) % 4000,
    prompt_text: `Explain topic ${i} step by step, with "quotes" and 'apostrophes' \\ and unicode ✓ 日本`,
    client_ip: `10.0.${i % 250}.${i % 200}`,
    client_asn: 64_500 + (i % 10),
    client_country: 'DE',
    temperature: i % 3 === 0 ? 0.7 : null,
    logprobs: i % 5 === 0,
  };
}

before(async () => {
  config = testConfig();
  kafka = testKafka(config);
  ch = await testClickHouse(config);
  await createTestTopics(kafka, [
    { topic: config.kafka.topics.events, partitions: 4 },
    { topic: config.kafka.topics.dlq, partitions: 1 },
  ]);
  const cases = Array.from({ length: MALFORMED }, (_, i) => malformedCases(i)[i % malformedCases(0).length]!);
  const messages = [];
  let bad = 0;
  for (let i = 0; i < TOTAL; i++) {
    if (i % (TOTAL / MALFORMED) === 7 && bad < MALFORMED) {
      const c = cases[bad++]!;
      malformedValues.push(c.value);
      messages.push({ key: `bad-${bad}`, value: c.value });
    } else {
      const e = validEvent(i);
      produced.set(e.event_id as string, e);
      messages.push({ key: e.api_key_id as string, value: JSON.stringify(e) });
    }
  }
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic: config.kafka.topics.events, messages: messages.slice(i, i + 1000) });
  }
  await producer.disconnect();
});

after(async () => {
  await ch?.drop();
  for (const c of clients) await c.close();
});

const clients: Array<ReturnType<typeof createClickHouse>> = [];

function consumer(): StreamConsumer {
  const sinkClient = createClickHouse(config.clickhouse);
  clients.push(sinkClient);
  return new StreamConsumer({
    kafka,
    groupId: config.kafka.groups.ingest,
    topic: config.kafka.topics.events,
    dlqTopic: config.kafka.topics.dlq,
    sinks: [createClickHouseEventSink(sinkClient)],
    maxRows: 400,
    maxMs: 200,
    sessionTimeoutMs: 10_000,
    fromBeginning: true,
    logger: silentLogger,
  });
}

const countRow = z.object({ rows: z.coerce.number(), distinct_ids: z.coerce.number() });
async function counts() {
  const db = ident(ch.database);
  const [row] = await ch.query(
    sql`SELECT count() AS rows, uniqExact(event_id) AS distinct_ids FROM ${db}.usage_events FINAL`,
    countRow,
  );
  return row!;
}

test('ingest: 9,950 valid events land once, 50 malformed go to the DLQ, across a stop and restart', async () => {
  const first = consumer();
  await first.start();
  const partial = await pollUntil('a partial load', counts, (c) => c.distinct_ids >= 3_000, { timeoutMs: 90_000 });
  await first.stop();
  await first.stop();
  assert.ok(partial.distinct_ids < TOTAL - MALFORMED, 'the consumer was stopped mid-stream');

  const second = consumer();
  await second.start();
  const final = await pollUntil('all events', counts, (c) => c.distinct_ids >= TOTAL - MALFORMED, {
    timeoutMs: 90_000,
  });
  await second.stop();
  assert.deepEqual(final, { rows: TOTAL - MALFORMED, distinct_ids: TOTAL - MALFORMED });
  assert.equal((await counts()).rows, TOTAL - MALFORMED, 'no duplicate visible after the consumer stopped');
});

test('ingest: stored rows keep every field intact', async () => {
  const db = ident(ch.database);
  const ids = ['evt-1', 'evt-2', 'evt-1234', 'evt-9999'];
  const rows = await ch.queryRaw(
    sql`SELECT event_id, ts_ms, api_key_id, org_id, input_tokens, output_tokens, prompt_text, client_ip, client_asn,
               temperature, logprobs FROM ${db}.usage_events FINAL WHERE has(${ids}, event_id) ORDER BY event_id`,
  );
  assert.equal(rows.length, ids.length);
  for (const row of rows) {
    const e = produced.get(row.event_id as string)!;
    const ts = typeof e.ts === 'number' ? e.ts : Date.parse(e.ts as string);
    assert.equal(Number(row.ts_ms), ts);
    assert.equal(row.api_key_id, e.api_key_id);
    assert.equal(row.org_id, e.org_id);
    assert.equal(Number(row.input_tokens), e.input_tokens);
    assert.equal(Number(row.output_tokens), e.output_tokens);
    assert.equal(row.prompt_text, e.prompt_text);
    assert.equal(row.client_ip, e.client_ip);
    assert.equal(Number(row.client_asn), e.client_asn);
    assert.equal(row.temperature === null ? null : Number(row.temperature), e.temperature as number | null);
    assert.equal(Number(row.logprobs), e.logprobs ? 1 : 0);
  }
});

test('ingest: each malformed record is in the DLQ once with its original bytes, reason and source', async () => {
  const dlq = kafka.consumer({ groupId: `${config.kafka.groups.ingest}-dlq-reader` });
  const seen: Array<{ value: Buffer | null; headers: Record<string, string> }> = [];
  await dlq.connect();
  await dlq.subscribe({ topic: config.kafka.topics.dlq, fromBeginning: true });
  await dlq.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      seen.push({ value: message.value, headers });
    },
  });
  await pollUntil(
    '50 dead letters',
    async () => seen.length,
    (n) => n >= MALFORMED,
    { timeoutMs: 60_000 },
  );
  await dlq.disconnect();
  const offsets = new Set(
    seen.map((s) => `${s.headers[DLQ_HEADERS.sourcePartition]}:${s.headers[DLQ_HEADERS.sourceOffset]}`),
  );
  assert.equal(offsets.size, MALFORMED, 'every dead letter is distinct (none duplicated by the restart)');
  for (const s of seen) {
    assert.equal(s.headers[DLQ_HEADERS.sourceTopic], config.kafka.topics.events);
    assert.match(s.headers[DLQ_HEADERS.reason] ?? '', /^(bad_json|not_object|empty|bad_utf8|invalid): /);
  }
  const sortedBytes = (xs: Array<Buffer | null>) => xs.map((v) => (v ? v.toString('base64') : '')).sort();
  assert.deepEqual(sortedBytes(seen.map((s) => s.value)), sortedBytes(malformedValues));
});
