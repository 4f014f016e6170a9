import { z } from 'zod';
import { type ClickHouse, clickhouseServerCode } from '../common/clickhouse/client.ts';
import { type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import type { TimeRange } from '../common/clickhouse/time-range.ts';
import { errors } from '../common/errors.ts';
import type { LimitRecommendation } from './action-schema.ts';
import { type ThrottleOptions, throttleFromMedians } from './throttle-limits.ts';

const MAX_RANGE_MS = 92 * 86_400_000;

const statsRowSchema = z.object({
  minutes: z.coerce.number().int(),
  rq: z.array(z.coerce.number()),
  rmax: z.coerce.number(),
  tq: z.array(z.coerce.number()),
  tmax: z.coerce.number(),
});

export interface RecommendOptions {
  /** Suggested limit = p99 × headroom, rounded up. */
  headroom: number;
  /** Fewer active minutes than this → no suggestion. */
  minActiveMinutes: number;
  throttle: ThrottleOptions;
  /** The query's bound: ClickHouse max_execution_time (whole seconds, rounded up) and a client-side abort. */
  timeoutMs: number;
}

/** ClickHouse's "timeout exceeded" codes (159, and 160 for a too slow estimated execution). */
const TIMEOUT_CODES = new Set(['159', '160']);

function percentiles(q: number[], max: number) {
  return { p50: q[0] ?? 0, p90: q[1] ?? 0, p99: q[2] ?? 0, max };
}

/**
 * p50/p90/p99 of the key's requests and tokens (input + output) per active minute, exact (nearest rank: the value at
 * position floor(q·n) of the sorted minutes), from deduplicated usage_events.
 */
export function createLimitRecommender(ch: ClickHouse, options: RecommendOptions) {
  const usageEvents = table(ch, 'usage_events');
  const serverTimeoutS = Math.max(1, Math.ceil(options.timeoutMs / 1_000));

  /** The query's rows, or DG_ERR_QUERY_LIMIT when the server or the client-side deadline stops it. */
  async function withDeadline(query: SqlQuery) {
    const abort = new AbortController();
    const overran = (seconds: number, cause?: unknown) =>
      errors.queryLimit(`rate-limit recommendation ran longer than ${seconds}s; narrow the range`, cause);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(overran(options.timeoutMs / 1_000));
        abort.abort();
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([ch.query(query, statsRowSchema, { signal: abort.signal }), deadline]);
    } catch (error) {
      if (abort.signal.aborted) throw overran(options.timeoutMs / 1_000, error);
      if (TIMEOUT_CODES.has(clickhouseServerCode(error))) throw overran(serverTimeoutS, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return async function recommendLimits(apiKeyId: string, range: TimeRange): Promise<LimitRecommendation> {
    if (!(range.toMs > range.fromMs)) throw errors.badInput('range: `to` must be after `from`');
    if (range.toMs - range.fromMs > MAX_RANGE_MS) throw errors.badInput('range: at most 92 days');
    const [row] = await withDeadline(
      sql`SELECT count() AS minutes,
            quantilesExact(0.5, 0.9, 0.99)(requests) AS rq, max(requests) AS rmax,
            quantilesExact(0.5, 0.9, 0.99)(tokens) AS tq, max(tokens) AS tmax
          FROM (
            SELECT toStartOfMinute(ts) AS minute, count() AS requests, sum(input_tokens + output_tokens) AS tokens
            FROM ${usageEvents} FINAL
            WHERE api_key_id = ${apiKeyId}
              AND ts >= ${new Date(Math.floor(range.fromMs / 1000) * 1000)} AND ts <= ${new Date(range.toMs)}
              AND ts_ms >= ${range.fromMs} AND ts_ms < ${range.toMs}
            GROUP BY minute
          )
          SETTINGS max_execution_time = ${serverTimeoutS}`,
    );
    const minutes = row?.minutes ?? 0;
    const requests = minutes && row ? percentiles(row.rq, row.rmax) : null;
    const tokens = minutes && row ? percentiles(row.tq, row.tmax) : null;
    const enough = requests && tokens && minutes >= options.minActiveMinutes;
    return {
      api_key_id: apiKeyId,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      active_minutes: minutes,
      requests_per_minute: requests,
      tokens_per_minute: tokens,
      suggested: enough
        ? {
            rpm: Math.max(1, Math.ceil(requests.p99 * options.headroom)),
            tpm: Math.max(1, Math.ceil(tokens.p99 * options.headroom)),
          }
        : null,
      throttle: requests && tokens ? throttleFromMedians(requests.p50, tokens.p50, options.throttle) : null,
    };
  };
}
