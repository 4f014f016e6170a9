import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import type { Config } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { simulate } from '../../../services/simulator/index.ts';
import { startStreamService } from '../../../services/stream-service/stream-service.ts';
import { SMALL_MIXED_POPULATION } from '../../fixtures/small-population.ts';
import { createTestTopics, testClickHouse, testConfig, testKafka } from '../../helpers/infra.ts';
import { pollUntil } from '../../helpers/poll.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
let config: Config;
let env: Record<string, string>;
let ch: Awaited<ReturnType<typeof testClickHouse>>;
const events: UsageEventInput[] = [];
const dir = mkdtempSync(join(tmpdir(), 'dg-stream-replay-'));

/** A quiet key ticking for 3 hours after the traffic, so idle sweeps and stage-2 passes settle in both runs. */
function sentinelTail(afterMs: number): UsageEventInput[] {
  return Array.from({ length: 40 }, (_, i) => ({
    event_id: `sentinel-${i}`,
    ts: afterMs + (i + 1) * 270_000,
    api_key_id: 'sentinel-key',
    org_id: 'sentinel-org',
    model: 'frontier-2',
    input_tokens: 40,
    output_tokens: 60,
    prompt_text: `Short status question number ${i}`,
  }));
}

before(async () => {
  env = { DG_ML_ENABLED: 'true', DG_CHECKPOINT_INTERVAL_MS: '500', DG_LOG_LEVEL: 'silent' };
  config = testConfig(env);
  ch = await testClickHouse(config);
  const sim = simulate({ seed: 11, hours: 5, population: SMALL_MIXED_POPULATION, hydraMembers: 8 });
  let last = 0;
  for (const timed of sim.timedEvents) {
    events.push(timed.event);
    last = timed.ts;
  }
  events.push(...sentinelTail(last));
  writeFileSync(join(dir, 'events.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const kafka = testKafka(config);
  // One partition: the population statistics then see events in the file's order, as replay does.
  await createTestTopics(kafka, [
    { topic: config.kafka.topics.events, partitions: 1 },
    { topic: config.kafka.topics.dlq, partitions: 1 },
    { topic: config.kafka.topics.alerts, partitions: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < events.length; i += 2000) {
    const messages = events.slice(i, i + 2000).map((e) => ({ key: e.api_key_id, value: JSON.stringify(e) }));
    await producer.send({ topic: config.kafka.topics.events, messages });
  }
  await producer.disconnect();
});

after(async () => {
  await ch?.drop();
});

const alertRow = z.object({
  alert_id: z.string(),
  kind: z.string(),
  api_key_ids: z.array(z.string()),
  score: z.number(),
  severity: z.string(),
  category: z.string(),
  raised_at_ms: z.coerce.number(),
});

test('the streaming service over real Kafka raises exactly the alerts replay raises on the same events', async () => {
  const run = promisify(execFile);
  await run(
    `${ROOT}bin/distillguard`,
    ['replay', '--input', join(dir, 'events.jsonl'), '--alerts', join(dir, 'alerts.jsonl')],
    {
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    },
  );
  const replayed = readFileSync(join(dir, 'alerts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          alert_id: string;
          kind: string;
          api_key_ids: string[];
          score: number;
          severity: string;
          category: string;
          raised_at: string;
        },
    );
  assert.ok(
    replayed.some((a) => a.kind === 'key'),
    'the traffic raises key alerts',
  );
  assert.ok(
    replayed.some((a) => a.kind === 'cluster'),
    'the traffic raises a cluster alert',
  );

  const service = await startStreamService(config, silentLogger, { ingest: true, detector: true, coordination: true });
  try {
    await pollUntil(
      'every event consumed by both groups',
      async () => service.health().consumed,
      (n) => n >= 2 * events.length,
      {
        timeoutMs: 180_000,
        intervalMs: 250,
      },
    );
    await pollUntil(
      'everything flushed',
      async () => service.health(),
      (h) => h.buffered === 0 && h.flushedEvents >= 2 * events.length,
      {
        timeoutMs: 60_000,
      },
    );
  } finally {
    await service.stop();
  }
  const streamed = await ch.query(
    sql`SELECT alert_id, kind, api_key_ids, score, severity, category, raised_at_ms FROM ${ident(ch.database)}.alerts FINAL ORDER BY alert_id`,
    alertRow,
  );
  const view = (
    a: { alert_id: string; kind: string; api_key_ids: string[]; score: number; severity: string; category: string },
    raisedMs: number,
  ) =>
    `${a.alert_id} ${a.kind} ${a.category} ${a.severity} ${a.score.toFixed(6)} ${raisedMs} ${[...a.api_key_ids].sort().join(',')}`;
  assert.deepEqual(
    streamed.map((a) => view(a, a.raised_at_ms)).sort(),
    replayed.map((a) => view(a, Date.parse(a.raised_at))).sort(),
  );
});
