import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { mock, test } from 'node:test';
import type { StreamSample } from '../../../services/api/stream-metrics.ts';
import { startSummaryLog, summaryLine } from '../../../services/api/summary-log.ts';
import { createLogger } from '../../../services/common/logger.ts';

const sample = (alerts: number, keyActions: number): StreamSample => ({
  at: 0,
  eventsEnd: 0,
  eventsPerSecond: 1999.6,
  lag: { ingest: 5000, coordination: 12 },
  alerts,
  keyActions,
});

test('the summary line names rate, lag per group, alerts and actions with their change since the last line', () => {
  assert.equal(
    summaryLine(sample(20, 5), sample(17, 4), { consumed_per_s: 1800 }),
    'events 2000/s, lag ingest=5000 coordination=12, alerts 20 (+3), key actions 5 (+1), consumed per s 1800',
  );
  assert.equal(summaryLine(null, null, {}), 'no Kafka sample yet');
});

test('one info line per interval with the figures as fields; interval 0 logs nothing', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _e, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger({ destination });
    let current = sample(1, 0);
    const stop = startSummaryLog(
      logger,
      10,
      () => current,
      () => ({ breaker: 'closed' }),
    );
    mock.timers.tick(10_000);
    current = sample(4, 2);
    mock.timers.tick(10_000);
    stop();
    mock.timers.tick(30_000);
    assert.deepEqual(
      lines.map((l) => [l.event, l.events_per_s, l.breaker, l.msg]),
      [
        [
          'summary',
          2000,
          'closed',
          'events 2000/s, lag ingest=5000 coordination=12, alerts 1, key actions 0, breaker closed',
        ],
        [
          'summary',
          2000,
          'closed',
          'events 2000/s, lag ingest=5000 coordination=12, alerts 4 (+3), key actions 2 (+2), breaker closed',
        ],
      ],
    );
    const off = startSummaryLog(logger, 0, () => current);
    mock.timers.tick(100_000);
    off();
    assert.equal(lines.length, 2);
  } finally {
    mock.timers.reset();
  }
});
