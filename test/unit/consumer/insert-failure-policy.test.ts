import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { type ClickHouse, toClickHouseError } from '../../../services/common/clickhouse/client.ts';
import { insertFailureKind } from '../../../services/common/clickhouse/insert-failure.ts';
import type { SourcedEvent } from '../../../services/consumer/sink.ts';
import { createClickHouseEventSink } from '../../../services/event-store/clickhouse-event-sink.ts';

const server1816 = (code: number, text = 'boom') =>
  toClickHouseError(
    new Error(`Code: ${code}, e.displayText() = DB::Exception: ${text}, e.what() = DB::Exception`),
    'insert',
  );

const INFRASTRUCTURE = [
  [516, 'default: Authentication failed: password is incorrect or there is no user with such name'],
  [192, 'Unknown user dg'],
  [193, 'Wrong password for user dg'],
  [60, 'Table dg.usage_events does not exist'],
  [81, 'Database dg does not exist'],
  [497, 'dg: Not enough privileges'],
  [16, 'There is no column prompt_text in table'],
] as const;

test('credential, missing table/database and privilege errors are infrastructure; row parse errors are data', () => {
  for (const [code, text] of INFRASTRUCTURE)
    assert.equal(insertFailureKind(server1816(code, text)), 'infrastructure', `code ${code}`);
  const refused = toClickHouseError(
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    'insert',
  );
  assert.equal(insertFailureKind(refused), 'infrastructure');
  assert.equal(insertFailureKind(new Error('socket hang up')), 'infrastructure');
  for (const code of [6, 26, 27, 38, 41, 53, 69, 70, 72, 117, 131])
    assert.equal(insertFailureKind(server1816(code)), 'data', `code ${code}`);
});

const events = (n: number): SourcedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    event: { event_id: `e${i}`, api_key_id: `k${i}`, org_id: 'o', model: 'm', ts: 1_772_323_200_000 + i } as UsageEvent,
    source: { topic: 'usage-events', partition: 0, offset: `${i}` },
  }));

/** A ClickHouse whose inserts fail with `fail(rows)` (or succeed when it returns null), counting every attempt. */
function failingClickHouse(fail: (rows: ReadonlyArray<Record<string, unknown>>) => Error | null) {
  const attempts: number[] = [];
  const ch = {
    database: 'fake',
    attempts,
    async insert(_table: string, rows: ReadonlyArray<Record<string, unknown>>) {
      attempts.push(rows.length);
      const error = fail(rows);
      if (error) throw error;
    },
  };
  return ch as unknown as ClickHouse & { attempts: number[] };
}

test('an infrastructure error fails the whole write: nothing is dead-lettered and the batch is not bisected', async () => {
  for (const [code, text] of INFRASTRUCTURE) {
    const ch = failingClickHouse(() => server1816(code, text));
    const sink = createClickHouseEventSink(ch);
    await assert.rejects(sink.write(events(8)), (error: Error) => error.message.includes(text));
    assert.deepEqual(ch.attempts, [8], `code ${code}: the sink retried row by row`);
  }
});

test('a data error isolates the rejected row for the dead-letter topic; the rest is inserted', async () => {
  const ch = failingClickHouse((rows) =>
    rows.some((r) => r.event_id === 'e5') ? server1816(27, 'Cannot parse input') : null,
  );
  const sink = createClickHouseEventSink(ch);
  const { rejected } = await sink.write(events(8));
  assert.deepEqual(
    rejected.map((r) => [r.source.offset, r.reason.split(':')[0]]),
    [['5', 'sink_rejected']],
  );
  assert.deepEqual(JSON.parse(rejected[0]!.value!.toString()).event_id, 'e5');
});
