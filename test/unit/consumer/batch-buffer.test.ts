import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { BatchBuffer } from '../../../services/consumer/batch-buffer.ts';
import { flushCheckMs } from '../../../services/consumer/stream-consumer.ts';

const event = { event_id: 'e' } as UsageEvent;
const at = (partition: number, offset: number) => ({ topic: 't', partition, offset: String(offset) });

test('due by rows, or by age once it holds something', () => {
  let now = 1_000;
  const b = new BatchBuffer(3, 500, () => now);
  assert.equal(b.isDue(), false);
  b.addEvent({ event, source: at(0, 1) });
  now += 499;
  assert.equal(b.isDue(), false);
  now += 1;
  assert.equal(b.isDue(), true);
  b.take();
  b.addEvent({ event, source: at(0, 2) });
  b.addEvent({ event, source: at(0, 3) });
  b.addDeadLetter({ key: null, value: null, reason: 'empty', source: at(0, 4) });
  assert.equal(b.isDue(), true, 'dead letters count towards the row bound');
});

test('commits the next offset per partition, covering events and dead letters', () => {
  const b = new BatchBuffer(100, 1000);
  b.addEvent({ event, source: at(0, 7) });
  b.addDeadLetter({ key: null, value: null, reason: 'x', source: at(0, 9) });
  b.addEvent({ event, source: at(1, 41) });
  const batch = b.take();
  assert.deepEqual(Object.fromEntries(batch.commits.get('t')!), { 0: '10', 1: '42' });
  assert.equal(b.size, 0);
});

test('offsets beyond 2^53 stay exact', () => {
  const b = new BatchBuffer(100, 1000);
  b.addEvent({ event, source: { topic: 't', partition: 0, offset: '9007199254740993' } });
  assert.equal(b.take().commits.get('t')!.get(0), '9007199254740994');
});

test('records of revoked partitions are dropped with their offsets', () => {
  const b = new BatchBuffer(100, 1000);
  b.addEvent({ event, source: at(0, 1) });
  b.addEvent({ event, source: at(1, 1) });
  assert.equal(
    b.dropPartitions((_t, p) => p === 1),
    1,
  );
  const batch = b.take();
  assert.equal(batch.events.length, 1);
  assert.deepEqual([...batch.commits.get('t')!.keys()], [1]);
});

test('the flush timer looks at the batch often enough that a row waits at most maxMs + 100 ms', () => {
  assert.equal(flushCheckMs(1_000), 100, 'the default 1 s batch: checked every 100 ms, not every 500');
  assert.equal(flushCheckMs(60_000), 100);
  assert.equal(flushCheckMs(200), 50, 'short batches: a quarter of their age');
  assert.equal(flushCheckMs(10), 10, 'never a busy loop');
});
