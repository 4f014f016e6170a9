import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, test } from 'node:test';
import { CyclingLineReader, eventTimeOf } from '../../../bench/lib/line-reader.ts';

const dir = mkdtempSync(`${tmpdir()}/dg-line-reader-`);
after(() => rmSync(dir, { recursive: true, force: true }));

test('hands out lines in batches and starts over with unique ids and later event time', async () => {
  const path = `${dir}/events.jsonl`;
  const line = (i: number) => `{"event_id":"e${i}","ts":"2026-03-05T00:00:0${i}.000Z","api_key_id":"k"}`;
  writeFileSync(path, `${line(1)}\n${line(2)}\n${line(3)}\n`);
  const reader = new CyclingLineReader(path);
  assert.deepEqual(await reader.take(2), [line(1), line(2)]);
  assert.deepEqual(await reader.take(3), [
    line(3),
    '{"event_id":"p1-e1","ts":"2027-03-05T00:00:01.000Z","api_key_id":"k"}',
    '{"event_id":"p1-e2","ts":"2027-03-05T00:00:02.000Z","api_key_id":"k"}',
  ]);
  await reader.close();
});

test('event time in epoch milliseconds moves forward by the same 365 days as RFC 3339 text', async () => {
  const path = `${dir}/mixed.jsonl`;
  const text = '{"event_id":"a","ts":"2026-03-05T00:00:01.000Z","api_key_id":"k"}';
  const millis = `{"event_id":"b","ts":${Date.parse('2026-03-05T00:00:02.000Z')},"api_key_id":"k"}`;
  writeFileSync(path, `${text}\n${millis}\n`);
  const reader = new CyclingLineReader(path, 1);
  const [a, b] = await reader.take(2);
  assert.equal(a, '{"event_id":"p1-a","ts":"2027-03-05T00:00:01.000Z","api_key_id":"k"}');
  assert.equal(b, `{"event_id":"p1-b","ts":${Date.parse('2027-03-05T00:00:02.000Z')},"api_key_id":"k"}`);
  assert.equal(eventTimeOf(b!) - eventTimeOf(a!), 1_000, 'still in time order');
  await reader.close();
});

test('an empty file is an error, not an endless loop', async () => {
  const path = `${dir}/empty.jsonl`;
  writeFileSync(path, '');
  const reader = new CyclingLineReader(path);
  await assert.rejects(() => reader.take(1), /holds no lines/);
  await reader.close();
});
