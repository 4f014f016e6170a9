import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { type SqlQuery, sql, trusted } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { decodeCursor, encodeCursor } from '../common/cursor.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const PROMPT_CHARS = 2_000;

/** The columns an investigator sees per event (prompt text truncated), shared by the sample and the export. */
export const EVENT_COLUMNS = trusted(`event_id, ts_ms, api_key_id, org_id, account_id, model, endpoint, status,
  input_tokens, output_tokens, max_tokens, stop_reason, latency_ms, n, temperature, top_p, logprobs, top_logprobs,
  stream, tool_count, substringUTF8(prompt_text, 1, ${PROMPT_CHARS}) AS prompt_text, prompt_sha256, prompt_simhash,
  system_prompt_sha256, client_ip, client_asn, client_country, user_agent, billing_country`);

export const eventRowSchema = z.looseObject({ event_id: z.string(), ts_ms: z.coerce.number() });

const positionSchema = z.object({ t: z.number().int(), id: z.string() });

/** Rows of one key, else one org; never the whole table. */
export function eventScope(scope: { key?: string | undefined; org?: string | undefined }): SqlQuery {
  if (scope.key) return sql`api_key_id = ${scope.key}`;
  if (scope.org) return sql`org_id = ${scope.org}`;
  return sql`0`;
}

/** Raw events of one key and range in event-time order; an opaque cursor pages through them. */
export async function eventSample(
  ch: ClickHouse,
  limits: QueryLimits,
  req: { key: string; range: TimeRange; limit: number; cursor?: string | undefined },
) {
  const after = req.cursor
    ? (() => {
        const p = decodeCursor(req.cursor, positionSchema);
        return sql`AND (ts_ms > ${p.t} OR (ts_ms = ${p.t} AND event_id > ${p.id}))`;
      })()
    : sql``;
  const rows = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT ${EVENT_COLUMNS} FROM ${table(ch, 'usage_events')} FINAL
          WHERE ${eventScope({ key: req.key })} AND ${inRange(req.range)} ${after}
          ORDER BY ts_ms, event_id LIMIT ${req.limit + 1} ${limitSettings(limits, req.limit + 1)}`,
      eventRowSchema,
    ),
  );
  const page = rows.slice(0, req.limit);
  const last = page.at(-1);
  const next = rows.length > req.limit && last ? encodeCursor({ t: last.ts_ms, id: last.event_id }) : null;
  return { events: page, next_cursor: next };
}
