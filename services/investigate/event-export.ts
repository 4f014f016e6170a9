import { Readable } from 'node:stream';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../common/clickhouse/time-range.ts';
import { csvFormulaGuard } from './csv-formula-guard.ts';
import { eventColumns, eventScope } from './event-sample.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

export const EXPORT_FORMATS = { csv: 'CSVWithNames', jsonl: 'JSONEachRow' } as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** The driver's result stream yields batches of rows, each with its text line. */
async function* lines(stream: AsyncIterable<unknown>, guard: (text: string) => string): AsyncGenerator<string> {
  for await (const batch of stream) for (const row of batch as Array<{ text: string }>) yield guard(`${row.text}\n`);
}

const unchanged = (text: string) => text;

/**
 * Streams the events of a key or org in a range as CSV or JSONL, at most `rows` (≤ exportMaxRows) lines, without
 * holding them in memory. CSV cells that would open as spreadsheet formulas get a leading apostrophe.
 * Outside DG_PROMPT_READ_ROLES prompt_text is null and prompt_withheld 1. The query is started before the response so a bad query is a clean error, not a cut body.
 */
export async function exportEvents(
  ch: ClickHouse,
  limits: QueryLimits,
  req: {
    key?: string | undefined;
    org?: string | undefined;
    range: TimeRange;
    format: ExportFormat;
    rows: number;
    mayReadPrompts: boolean;
  },
): Promise<Readable> {
  const rows = Math.min(req.rows, limits.exportMaxRows);
  const stream = await withQueryLimits(limits, () =>
    ch.stream(
      sql`SELECT ${eventColumns(req.mayReadPrompts)} FROM ${table(ch, 'usage_events')} FINAL
          WHERE ${eventScope(req)} AND ${inRange(req.range)}
          ORDER BY ts_ms, event_id LIMIT ${rows} ${limitSettings(limits, rows)}`,
      EXPORT_FORMATS[req.format],
    ),
  );
  const guard = req.format === 'csv' ? csvFormulaGuard() : unchanged;
  return Readable.from(lines(stream as unknown as AsyncIterable<unknown>, guard));
}
