import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { ident, SqlQuery, sql } from '../../services/common/clickhouse/sql.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { FEATURE_NAMES } from '../../services/detector/features/feature-names.ts';

export const DATA_START_MS = Date.parse('2026-01-01T00:00:00Z');
export const DATA_DAYS = 90;
export const DATA_KEYS = 100_000;
const DAY_S = 86_400;
/** Days [from, to) that get key_features snapshots: the window the queries read (61M rows for all 90 days). */
export const FEATURE_DAYS = [30, 60] as const;

/**
 * Generates `usage_events` rows for numbers [from, from+count) of a total of `total`, spread evenly over
 * DATA_DAYS in event-time order (so a chunk touches few daily partitions). Keys are skewed: key k gets a share
 * proportional to k^(-2/3), so a few keys are very heavy and most send a few hundred requests.
 */
function chunkSelect(from: number, count: number, total: number): string {
  const span = DATA_DAYS * DAY_S;
  const start = DATA_START_MS / 1000;
  const key = `toUInt32(pow(intHash32(number) / 4294967296., 3) * ${DATA_KEYS})`;
  const h = 'intHash64(number)';
  return `SELECT
    concat('ev-', toString(number)) AS event_id,
    toDateTime(${start} + intDiv(number * ${span}, ${total})) AS ts,
    toUInt64((${start} + intDiv(number * ${span}, ${total})) * 1000 + number % 1000) AS ts_ms,
    concat('key-', toString(${key})) AS api_key_id,
    concat('org-', toString(${key} % 997)) AS org_id,
    '' AS account_id,
    ['model-large-2026-01', 'model-small-2025-10', 'model-reasoning-2026-02'][1 + ${key} % 3] AS model,
    '/v1/messages' AS endpoint,
    toUInt16(200) AS status,
    toUInt32(20 + ${h} % 800) AS input_tokens,
    toUInt32(intDiv(${h}, 800) % 2000) AS output_tokens,
    toUInt32(4096) AS max_tokens,
    if(${h} % 10 = 0, 'max_tokens', 'end_turn') AS stop_reason,
    toFloat64(200 + ${h} % 3000) AS latency_ms,
    toUInt16(1) AS n,
    toFloat32((${h} % 11) / 10) AS temperature,
    toFloat32(1) AS top_p,
    toUInt8(0) AS logprobs, toUInt8(0) AS top_logprobs, toUInt8(${h} % 2) AS stream, toUInt16(0) AS tool_count,
    '' AS prompt_text, '' AS prompt_sha256,
    lower(hex(intHash64(${key} * 64 + ${h} % 64))) AS prompt_simhash,
    '' AS system_prompt_sha256,
    IPv4NumToString(toUInt32(167772160 + (${key} % 65536) * 256 + number % 250)) AS client_ip,
    toUInt32(64512 + ${key} % 1000) AS client_asn,
    ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA'][1 + ${key} % 8] AS client_country,
    'sdk-js/1.4.0' AS user_agent,
    ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA'][1 + ${key} % 8] AS billing_country,
    CAST(NULL AS Nullable(DateTime)) AS key_created_at,
    toUInt32(${key} % 16) AS source_partition,
    number AS source_offset,
    toDateTime(${start} + intDiv(number * ${span}, ${total})) AS ingested_at
  FROM numbers(${from}, ${count})`;
}

/**
 * One `key_features` snapshot per key per active hour, as the detector writes them (it writes at most one per
 * key per minute), for days [fromDay, toDay). Feature values are deterministic stand-ins with one decimal.
 */
function featuresSelect(db: string, fromDay: number, toDay: number): string {
  const from = DATA_START_MS / 1000 + fromDay * DAY_S;
  const to = DATA_START_MS / 1000 + toDay * DAY_S;
  const names = FEATURE_NAMES.map((n) => `'${n}'`).join(', ');
  return `SELECT api_key_id, any(org_id) AS org_id, any(model) AS model, toStartOfHour(ts) AS hour,
      toUInt64(toUInt32(hour)) * 1000 AS ts_ms, [${names}] AS feature_names,
      arrayMap(i -> round((intHash32(cityHash64(api_key_id) + toUInt32(hour) + i) % 1000) / 10, 1),
               range(${FEATURE_NAMES.length})) AS feature_values,
      (intHash32(cityHash64(api_key_id) + toUInt32(hour)) % 1000) / 1000 AS score, score AS evidence
    FROM \`${db}\`.usage_events
    WHERE ts >= toDateTime(${from}) AND ts < toDateTime(${to})
    GROUP BY api_key_id, hour`;
}

interface FillStep {
  label: string;
  sql: (db: string) => string;
}

function fillSteps(total: number, chunk: number): FillStep[] {
  const chunks = Math.ceil(total / chunk);
  const events = Array.from({ length: chunks }, (_, i) => ({
    label: `usage_events chunk ${i + 1}/${chunks}`,
    sql: (db: string) =>
      `INSERT INTO \`${db}\`.usage_events ${chunkSelect(i * chunk, Math.min(chunk, total - i * chunk), total)}`,
  }));
  const [first, last] = FEATURE_DAYS;
  const features = Array.from({ length: Math.ceil((last - first) / 5) }, (_, i) => {
    const from = first + i * 5;
    const to = Math.min(last, from + 5);
    return {
      label: `key_features days ${from}-${to}`,
      sql: (db: string) =>
        `INSERT INTO \`${db}\`.key_features (api_key_id, org_id, model, ts, ts_ms, feature_names, feature_values, score, evidence) ${featuresSelect(db, from, to)}`,
    };
  });
  return [...events, ...features];
}

/** Changes whenever the generator changes, so a cached database built by an older generator is rebuilt. */
const GENERATOR_VERSION = createHash('sha256')
  .update(chunkSelect(0, 1, 1) + featuresSelect('db', 0, 1))
  .digest('hex')
  .slice(0, 12);

const stepRow = z.object({ chunk: z.coerce.number(), state: z.string() });
const specOf = (total: number, chunk: number) => `${GENERATOR_VERSION}/${total}/${chunk}`;

/**
 * Fills `usage_events` then `key_features` step by step, resuming after the last finished step. A step is marked
 * started before it runs and done after: one started but never done was stopped part-way and left some of its rows
 * (and their rollup rows, which the materialized views wrote at insert time), so the database is rebuilt rather than
 * resumed into duplicates.
 */
export async function fillInvestigatorData(
  ch: ClickHouse,
  total: number,
  chunk: number,
  log: (m: string) => void,
): Promise<{ seconds: number; stepsRun: number }> {
  const db = ident(ch.database);
  const spec = specOf(total, chunk);
  const steps = await fillState(ch, spec);
  const rebuild = steps.other || steps.partial !== undefined;
  if (rebuild) {
    const why = steps.other ? 'built by another generator or size' : `step ${steps.partial! + 1} was stopped part-way`;
    log(`investigator-queries: rebuilding ${ch.database} (${why})`);
    await ch.command(sql`DROP DATABASE IF EXISTS ${db}`);
  }
  await migrate(ch, silentLogger);
  await createStepsTable(ch);
  const done = rebuild ? new Set<number>() : steps.done;
  const started = Date.now();
  let stepsRun = 0;
  for (const [i, step] of fillSteps(total, chunk).entries()) {
    if (done.has(i)) continue;
    log(`investigator-queries: generating ${step.label}`);
    await ch.insert('bench_steps', [{ spec, chunk: i, state: 'started' }]);
    await ch.command(new SqlQuery(step.sql(db.name)));
    await ch.insert('bench_steps', [{ spec, chunk: i, state: 'done' }]);
    stepsRun++;
  }
  return { seconds: (Date.now() - started) / 1000, stepsRun };
}

/** The step markers: a step's row with state 'started' before it runs, and 'done' after. */
async function createStepsTable(ch: ClickHouse): Promise<void> {
  await ch.command(
    sql`CREATE TABLE IF NOT EXISTS ${ident(ch.database)}.bench_steps (spec String, chunk UInt32, state String) ENGINE = TinyLog`,
  );
}

async function hasTable(ch: ClickHouse, name: string): Promise<boolean> {
  const [row] = await ch.queryRaw(
    sql`SELECT count() AS n FROM system.tables WHERE database = ${ch.database} AND name = ${name}`,
  );
  return Number(row?.n) > 0;
}

/**
 * Steps done for `spec`, the first started but not done (if any), and whether steps of another spec are there. A
 * cache from before steps were marked started (`bench_fill`, done steps only) is moved to `bench_steps` first.
 */
async function fillState(ch: ClickHouse, spec: string) {
  const db = ident(ch.database);
  if (await hasTable(ch, 'bench_fill')) {
    await createStepsTable(ch);
    await ch.command(sql`INSERT INTO ${db}.bench_steps SELECT spec, chunk, 'done' FROM ${db}.bench_fill`);
    await ch.command(sql`DROP TABLE ${db}.bench_fill`);
  }
  if (!(await hasTable(ch, 'bench_steps'))) return { done: new Set<number>(), partial: undefined, other: false };
  const rows = await ch.query(sql`SELECT chunk, state FROM ${db}.bench_steps WHERE spec = ${spec}`, stepRow);
  const [other] = await ch.queryRaw(sql`SELECT count() AS n FROM ${db}.bench_steps WHERE spec != ${spec}`);
  const done = new Set(rows.filter((r) => r.state === 'done').map((r) => r.chunk));
  const partial = rows.find((r) => r.state === 'started' && !done.has(r.chunk))?.chunk;
  return { done, partial, other: Number(other?.n) > 0 };
}

const diskRow = z.object({
  rows: z.coerce.number(),
  onDisk: z.coerce.number(),
  uncompressed: z.coerce.number(),
  parts: z.coerce.number(),
});

export async function tableDisk(ch: ClickHouse, table: string): Promise<z.output<typeof diskRow>> {
  const [row] = await ch.query(
    sql`SELECT sum(rows) AS rows, sum(bytes_on_disk) AS onDisk, sum(data_uncompressed_bytes) AS uncompressed, count() AS parts
        FROM system.parts WHERE database = ${ch.database} AND table = ${table} AND active`,
    diskRow,
  );
  return row!;
}
