import { z } from 'zod';
import { promptColumns, promptFields } from '../auth/prompt-access.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { type SqlQuery, sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { decodeCursor, encodeCursor } from '../common/cursor.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const PROMPT_CHARS = 2_000;

/**
 * The columns an investigator sees per event, shared by the sample and the export: prompt text truncated, or null with
 * prompt_withheld = 1 for a caller outside DG_PROMPT_READ_ROLES.
 */
export function eventColumns(mayReadPrompts: boolean): SqlQuery {
  return sql`event_id, ts_ms, api_key_id, org_id, account_id, model, endpoint, status,
  input_tokens, output_tokens, max_tokens, stop_reason, latency_ms, n, temperature, top_p, logprobs, top_logprobs,
  stream, tool_count, ${promptColumns('prompt_text', PROMPT_CHARS, mayReadPrompts)}, prompt_sha256, prompt_simhash,
  system_prompt_sha256, client_ip, client_asn, client_country, user_agent, billing_country`;
}

const eventRowSchema = z.looseObject({
  event_id: z.string(),
  ts_ms: z.coerce.number(),
  prompt_withheld: promptFields.withheld,
});

/** An event as the API answers it (prompt_withheld a boolean); every other column passes as stored. */
export const eventSampleSchema = z.object({
  events: z.array(eventRowSchema.extend({ prompt_withheld: z.boolean() })),
  next_cursor: z.string().nullable(),
});
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
  req: { key: string; range: TimeRange; limit: number; cursor?: string | undefined; mayReadPrompts: boolean },
) {
  const after = req.cursor
    ? (() => {
        const p = decodeCursor(req.cursor, positionSchema);
        return sql`AND (ts_ms > ${p.t} OR (ts_ms = ${p.t} AND event_id > ${p.id}))`;
      })()
    : sql``;
  const rows = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT ${eventColumns(req.mayReadPrompts)} FROM ${table(ch, 'usage_events')} FINAL
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
