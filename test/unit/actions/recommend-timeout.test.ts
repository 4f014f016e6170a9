import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimitRecommender } from '../../../services/actions/recommend-limits.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';

const THROTTLE = { baselineMs: 7 * 86_400_000, fraction: 0.5, floorRpm: 1, floorTpm: 1 };

/** A ClickHouse whose queries never answer; it records each query and settles only when the caller aborts. */
function hangingClickHouse() {
  const seen: Array<{ text: string; signal: AbortSignal | undefined }> = [];
  const ch = {
    database: 'fake',
    seen,
    queryRaw(q: { text: string }, options?: { signal?: AbortSignal }) {
      seen.push({ text: q.text, signal: options?.signal });
      return new Promise<never>((_, reject) =>
        options?.signal?.addEventListener('abort', () => reject(new Error('aborted by the caller'))),
      );
    },
    query(q: { text: string }, _schema: unknown, options?: { signal?: AbortSignal }) {
      return this.queryRaw(q, options);
    },
  };
  return ch as unknown as ClickHouse & { seen: typeof seen };
}

test('the recommendation query carries a server timeout and is aborted by the client when it overruns', {
  timeout: 10_000,
}, async () => {
  const ch = hangingClickHouse();
  const recommend = createLimitRecommender(ch, {
    headroom: 1.5,
    minActiveMinutes: 30,
    throttle: THROTTLE,
    timeoutMs: 200,
  });
  const range = { fromMs: Date.parse('2026-03-01T00:00:00Z'), toMs: Date.parse('2026-03-02T00:00:00Z') };
  await assert.rejects(recommend('key-1', range), (error: unknown) => {
    assert.ok(error instanceof DistillGuardError);
    assert.equal(error.code, 'DG_ERR_QUERY_LIMIT');
    assert.match(error.message, /0\.2 ?s/);
    return true;
  });
  assert.equal(ch.seen.length, 1);
  assert.match(ch.seen[0]!.text, /SETTINGS max_execution_time = 1\b/);
  assert.equal(ch.seen[0]!.signal?.aborted, true);
});
