import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startHealthServer } from '../../../services/consumer/health-server.ts';
import type { StreamHealth } from '../../../services/consumer/stream-consumer.ts';
import { combineHealth } from '../../../services/stream-service/stream-service.ts';

async function metricsOf(health: StreamHealth): Promise<string> {
  const server = await startHealthServer(0, '127.0.0.1', () => health);
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

const one = (consumed: number): StreamHealth => ({
  running: true,
  degraded: null,
  consumed,
  flushedEvents: consumed,
  deadLetters: 0,
  lastFlushAt: null,
  buffered: 0,
});

test('dg_stream_consumed_total has one sample per consumer group when the worker runs several', async () => {
  const text = await metricsOf({
    ...combineHealth([one(120), one(80)]),
    consumedByGroup: { 'distillguard-ingest': 120, 'distillguard-coordination': 80 },
  });
  const samples = text.split('\n').filter((l) => l.startsWith('dg_stream_consumed_total'));
  assert.deepEqual(samples, [
    'dg_stream_consumed_total{group="distillguard-ingest"} 120',
    'dg_stream_consumed_total{group="distillguard-coordination"} 80',
  ]);
  assert.match(text, /^dg_stream_flushed_events_total 200$/m);
});

test('a single consumer keeps one unlabelled sample', async () => {
  const text = await metricsOf(one(7));
  assert.match(text, /^dg_stream_consumed_total 7$/m);
});
