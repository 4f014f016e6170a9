import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import type { SourcedEvent } from '../../../services/consumer/sink.ts';
import type { Checkpoint, CheckpointStore } from '../../../services/stream-service/checkpoint-store.ts';
import { type StatefulProcessor, StatefulSink } from '../../../services/stream-service/stateful-sink.ts';

/**
 * A counting pipeline: its state is the number of events it folded; every 3rd event raises an alert. It throws on
 * the event ids in `poison`.
 */
function countingPipeline(state: Buffer | null, poison: ReadonlySet<string>): StatefulProcessor & { count: number } {
  const p = {
    count: state ? Number(state.toString()) : 0,
    process(event: UsageEvent) {
      if (poison.has(event.event_id)) throw new Error(`cannot score ${event.event_id}`);
      p.count++;
      const alerts = p.count % 3 === 0 ? [{ alert_id: `a-${event.event_id}` } as Alert] : [];
      return { alerts, features: [] };
    },
    snapshot: () => Buffer.from(String(p.count)),
  };
  return p;
}

function memoryStore(): CheckpointStore & { saved: Map<string, Checkpoint> } {
  const saved = new Map<string, Checkpoint>();
  return {
    saved,
    save: async (g, t, p, c) => void saved.set(`${g}/${t}/${p}`, c),
    load: async (g, t, p) => saved.get(`${g}/${t}/${p}`) ?? null,
  };
}

const ev = (partition: number, offset: number): SourcedEvent => ({
  event: { event_id: `e${partition}-${offset}` } as UsageEvent,
  source: { topic: 't', partition, offset: String(offset) },
});

function sink(
  store: CheckpointStore,
  published: Alert[],
  failFirstPersist = false,
  scope: 'partition' | 'all' = 'partition',
  poison: ReadonlySet<string> = new Set(),
) {
  const pipelines: Array<ReturnType<typeof countingPipeline>> = [];
  let failures = failFirstPersist ? 1 : 0;
  const s = new StatefulSink({
    name: 'detector',
    group: 'g',
    scope,
    createProcessor: (state) => {
      const p = countingPipeline(state, poison);
      pipelines.push(p);
      return p;
    },
    store,
    persistFeatures: async () => {},
    persistAlerts: async () => {
      if (failures-- > 0) throw new Error('clickhouse down');
    },
    publishAlerts: async (alerts) => void published.push(...alerts),
    poisonAttempts: 3,
    logger: silentLogger,
  });
  return { s, pipelines };
}

test('a retried write re-persists the outputs without running the detector again', async () => {
  const published: Alert[] = [];
  const { s, pipelines } = sink(memoryStore(), published, true);
  const batch = [ev(0, 0), ev(0, 1), ev(0, 2)];
  await assert.rejects(s.write(batch), /clickhouse down/);
  await s.write(batch);
  assert.equal(pipelines[0]!.count, 3);
  assert.deepEqual(
    published.map((a) => a.alert_id),
    ['a-e0-2'],
  );
});

test('redelivered offsets are skipped; each partition has its own pipeline', async () => {
  const { s, pipelines } = sink(memoryStore(), []);
  await s.write([ev(0, 0), ev(0, 1), ev(1, 0)]);
  await s.write([ev(0, 1), ev(0, 2), ev(1, 0), ev(1, 1)]);
  assert.deepEqual(
    pipelines.map((p) => p.count),
    [3, 2],
  );
});

test('checkpoint then restore on assignment: state resumes and events before the checkpoint are not recounted', async () => {
  const store = memoryStore();
  const first = sink(store, []);
  await first.s.write([ev(0, 0), ev(0, 1), ev(0, 2), ev(0, 3)]);
  await first.s.checkpoint([{ topic: 't', partition: 0, offset: '4' }]);
  assert.equal(store.saved.get('g/t/0')!.nextOffset, '4');

  const second = sink(store, []);
  await second.s.onAssignment({ t: [0] });
  await second.s.write([ev(0, 2), ev(0, 3), ev(0, 4)]);
  assert.equal(second.pipelines[0]!.count, 5, '4 restored + 1 new');
});

test('revoked partitions drop their state; a later assignment restores it from the store', async () => {
  const store = memoryStore();
  const { s, pipelines } = sink(store, []);
  await s.onAssignment({ t: [0, 1] });
  await s.write([ev(1, 0)]);
  await s.checkpoint([{ topic: 't', partition: 1, offset: '1' }]);
  await s.onAssignment({ t: [0] });
  await s.onAssignment({ t: [0, 1] });
  await s.write([ev(1, 0), ev(1, 1)]);
  assert.equal(pipelines.at(-1)!.count, 2);
});

test('all-scoped state (stage 2): one processor for every partition, saved once with every partition position', async () => {
  const store = memoryStore();
  const first = sink(store, [], false, 'all');
  await first.s.write([ev(0, 0), ev(1, 0), ev(1, 1)]);
  await first.s.checkpoint([
    { topic: 't', partition: 0, offset: '1' },
    { topic: 't', partition: 1, offset: '2' },
  ]);
  assert.equal(first.pipelines.length, 1);
  assert.equal(store.saved.size, 1);
  const second = sink(store, [], false, 'all');
  await second.s.onAssignment({ t: [0, 1] });
  await second.s.write([ev(0, 0), ev(1, 1), ev(0, 1), ev(1, 2)]);
  assert.equal(second.pipelines.at(-1)!.count, 5, '3 restored + 2 new, redeliveries of both partitions skipped');
});

test('an event the processor throws on is retried a bounded number of times, then dead-lettered alone', async () => {
  const published: Alert[] = [];
  const { s, pipelines } = sink(memoryStore(), published, false, 'partition', new Set(['e0-3']));
  const batch = [0, 1, 2, 3, 4, 5, 6].map((offset) => ({
    ...ev(0, offset),
    raw: { key: Buffer.from('k'), value: Buffer.from(`{"original":${offset}}`) },
  }));
  await assert.rejects(s.write(batch), /e0-3.*attempt 1 of 3: cannot score e0-3/);
  await assert.rejects(s.write(batch), /attempt 2 of 3/);
  const { rejected } = await s.write(batch);
  assert.deepEqual(
    rejected.map((r) => [r.source.offset, r.reason, r.value?.toString()]),
    [['3', 'detector_error: cannot score e0-3', '{"original":3}']],
  );
  assert.equal(pipelines[0]!.count, 6, 'every other event folded exactly once');
  assert.deepEqual(
    published.map((a) => a.alert_id),
    ['a-e0-2', 'a-e0-6'],
    'outputs of the events before the poison one survive the retries',
  );
  await s.write([ev(0, 3), ev(0, 7)]);
  assert.equal(pipelines[0]!.count, 7, 'a redelivered poison event is not retried once dead-lettered');
});
