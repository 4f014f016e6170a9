import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { startPartitionRetention } from '../../../services/event-store/partition-retention.ts';

function recordingLogger() {
  const lines: Array<{ msg: string; level: number }> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ destination }), lines };
}

/** A ClickHouse whose system.parts query fails once (or answers no partitions), counting queries. */
function fakeClickHouse(fail: boolean) {
  const queries: string[] = [];
  const ch = {
    database: 'db',
    query: async (q: { text: string }) => {
      queries.push(q.text);
      if (fail) throw new Error('ClickHouse down');
      return [];
    },
    command: async () => assert.fail('nothing to drop'),
  } as unknown as ClickHouse;
  return { ch, queries };
}

test('with every table kept forever the schedule reads nothing and says so', async () => {
  const { ch, queries } = fakeClickHouse(false);
  const { logger, lines } = recordingLogger();
  await startPartitionRetention(ch, loadConfig({}).retention, logger)();
  assert.equal(queries.length, 0);
  assert.match(lines[0]?.msg ?? '', /kept forever/);
});

test('a pass runs at start for the tables with a retention; a failed pass is logged, not thrown', async () => {
  const retention = loadConfig({ DG_RETENTION_KEY_FEATURES_DAYS: '7' }).retention;
  const ok = fakeClickHouse(false);
  await startPartitionRetention(ok.ch, retention, recordingLogger().logger)();
  assert.equal(ok.queries.length, 1);
  assert.match(ok.queries[0] ?? '', /table = 'key_features'/);

  const down = fakeClickHouse(true);
  const { logger, lines } = recordingLogger();
  await startPartitionRetention(down.ch, retention, logger)();
  const warning = lines.find((l) => /pass failed/.test(l.msg));
  assert.equal(warning?.level, 40);
});
