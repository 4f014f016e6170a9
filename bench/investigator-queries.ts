import { type ClickHouse, createClickHouse } from '../services/common/clickhouse/client.ts';
import { ident, type SqlFragment, sql, trusted } from '../services/common/clickhouse/sql.ts';
import type { QueryLimits } from '../services/investigate/query-limits.ts';
import {
  DATA_DAYS,
  DATA_KEYS,
  DATA_START_MS,
  FEATURE_DAYS,
  fillInvestigatorData,
  tableDisk,
} from './lib/investigate-data.ts';
import { investigateOptions } from './lib/investigate-options.ts';
import { benchName } from './lib/kafka.ts';
import { type MergeReport, mergeReadPartitions } from './lib/merge-partitions.ts';
import type { Figure } from './lib/results-schema.ts';
import { type RunOptions, requireExport, type Scenario } from './lib/scenario.ts';
import { latencyFigures } from './lib/stats.ts';

const DAY_MS = 86_400_000;
const QUERIES_PER_KIND = 10;
/** Per fill statement (an INSERT … SELECT of one chunk); merges have their own budget. */
const FILL_TIMEOUT_MS = 900_000;
/** Cheapest to merge first: key_feature_hours (121 aggregate-state columns) takes longest, so the budget ends on it. */
const MERGED_TABLES = ['usage_events', 'key_features', 'usage_hours', 'key_feature_hours'];
const LATENCY_TARGETS = { p50: { op: '<=' as const, value: 300 }, p99: { op: '<=' as const, value: 1_000 } };

type KeyTimeline = typeof import('../services/investigate/key-timeline.ts').keyTimeline;
type TopKeys = typeof import('../services/investigate/top-keys.ts').topKeys;
type OrgRollup = typeof import('../services/investigate/org-rollup.ts').orgRollup;

interface QueryCode {
  keyTimeline: KeyTimeline;
  topKeys: TopKeys;
  orgRollup: OrgRollup;
}

async function loadQueryCode(): Promise<QueryCode> {
  return {
    keyTimeline: await requireExport<KeyTimeline>('services/investigate/key-timeline.ts', 'keyTimeline'),
    topKeys: await requireExport<TopKeys>('services/investigate/top-keys.ts', 'topKeys'),
    orgRollup: await requireExport<OrgRollup>('services/investigate/org-rollup.ts', 'orgRollup'),
  };
}

/** Keys spread over the traffic ranking (key-0 is the heaviest), so timelines cover heavy and light keys. */
const timelineKey = (j: number) => `key-${Math.floor(DATA_KEYS * (j / QUERIES_PER_KIND) ** 3)}`;
const day = (d: number) => ({ fromMs: DATA_START_MS + d * DAY_MS, toMs: DATA_START_MS + (d + 1) * DAY_MS });

async function timed(samples: number[], fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await fn();
  samples.push(performance.now() - started);
}

async function measure(ch: ClickHouse, code: QueryCode, limits: QueryLimits, iteration: number): Promise<Figure[]> {
  const timeline: number[] = [];
  const top: number[] = [];
  const rollup: number[] = [];
  for (let j = 0; j < QUERIES_PER_KIND; j++) {
    const d = FEATURE_DAYS[0] + ((iteration * 7 + j * 3) % (FEATURE_DAYS[1] - FEATURE_DAYS[0]));
    const range = { fromMs: DATA_START_MS + FEATURE_DAYS[0] * DAY_MS, toMs: DATA_START_MS + FEATURE_DAYS[1] * DAY_MS };
    await timed(timeline, () =>
      code.keyTimeline(ch, limits, {
        key: timelineKey(j),
        range,
        bucket: 'hour',
        features: ['req_per_min', 'template_share'],
      }),
    );
    await timed(top, () =>
      code.topKeys(ch, limits, { feature: 'out_tokens_per_hour', agg: 'max', range: day(d), limit: 50, offset: 0 }),
    );
    await timed(rollup, () =>
      code.orgRollup(ch, limits, { org: `org-${j * 37}`, range: day(d), limit: 50, offset: 0 }),
    );
  }
  return [
    ...latencyFigures('key timeline, 30 days by hour', timeline, 'ms', LATENCY_TARGETS),
    ...latencyFigures('top 50 keys by a feature, one day', top, 'ms', LATENCY_TARGETS),
    ...latencyFigures('org rollup (keys by requests), one day', rollup, 'ms'),
  ];
}

/**
 * What limits the timeline and top-keys queries: the same key_features read for one key over 30 days, with and
 * without FINAL (ClickHouse 18.16 merges the array columns of every selected range at read time for FINAL).
 */
async function finalProbe(ch: ClickHouse): Promise<string> {
  const from = Math.floor((DATA_START_MS + FEATURE_DAYS[0] * DAY_MS) / 1000);
  const to = Math.floor((DATA_START_MS + FEATURE_DAYS[1] * DAY_MS) / 1000);
  const t = ident('key_features');
  const db = ident(ch.database);
  const time = async (final: SqlFragment) => {
    const started = performance.now();
    await ch.queryRaw(
      sql`SELECT count() AS n, avg(feature_values[indexOf(feature_names, 'req_per_min')]) AS v FROM ${db}.${t} ${final}
          WHERE api_key_id = ${timelineKey(3)} AND ts >= toDateTime(${from}) AND ts < toDateTime(${to})`,
    );
    return performance.now() - started;
  };
  const withFinal = await time(trusted('FINAL'));
  const without = await time(trusted(''));
  return `Probe: one key’s key_features rows over 30 days with one feature read from the arrays take ${withFinal.toFixed(0)} ms with FINAL and ${without.toFixed(0)} ms without (on ClickHouse 18.16); before the rollups, these FINAL reads of the array columns were what the timeline and top-keys queries spent their time on.`;
}

/** The data's state when measured, in words: how many of the partitions read were in one part. */
function mergeNote(m: MergeReport, budgetS: number): string {
  const tables = m.tables.map((t) => `${t.table} ${t.merged} of ${t.partitions} (${t.parts} parts)`).join(', ');
  const budget = `merge budget (DG_BENCH_INVESTIGATE_MERGE_BUDGET_S=${budgetS})`;
  const outcome = m.budgetSpent
    ? `until the ${budget} ran out: the running merge was stopped and the partitions left in several parts were measured as they were`
    : `within the ${budget}`;
  const background = m.stillMerging ? `; ${m.stillMerging} background merge(s) still ran when measuring began` : '';
  return `Daily partitions the queries read (days ${FEATURE_DAYS[0]}–${FEATURE_DAYS[1]}) that were in one part, per table: ${tables}. Older partitions end up in one part; to measure that state the bench waited for the background merges, then ran OPTIMIZE … FINAL on each of those partitions still in several parts (${m.forced} this time, ${m.seconds.toFixed(0)} s in all) ${outcome}${background}. The OS page cache held the data (warm).`;
}

async function start(o: RunOptions) {
  const code = await loadQueryCode();
  const options = investigateOptions(o.smoke);
  const database = o.smoke ? benchName('dg_bench_inv') : options.database;
  const ch = createClickHouse({ ...o.config.clickhouse, timeoutMs: FILL_TIMEOUT_MS }, { database });
  const close = async () => {
    if (o.smoke) await ch.command(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await ch.close();
  };
  const prepare = async () => {
    const fill = await fillInvestigatorData(ch, options.events, Math.min(5_000_000, options.events), o.log);
    const merges = await mergeReadPartitions(ch, o.config.clickhouse, {
      tables: MERGED_TABLES,
      fromS: (DATA_START_MS + FEATURE_DAYS[0] * DAY_MS) / 1000,
      toS: (DATA_START_MS + FEATURE_DAYS[1] * DAY_MS) / 1000,
      budgetMs: options.mergeBudgetMs,
      log: (m) => o.log(`investigator-queries: ${m}`),
    });
    return { fill, merges };
  };
  // The runner closes a session only once start() returned it.
  const { fill, merges } = await prepare().catch(async (error: unknown) => {
    await close();
    throw error;
  });
  const events = await tableDisk(ch, 'usage_events');
  const features = await tableDisk(ch, 'key_features');
  const usageHours = await tableDisk(ch, 'usage_hours');
  const featureHours = await tableDisk(ch, 'key_feature_hours');
  const limits = o.config.api.query;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const size = options.fullSize
    ? ''
    : ' Not the 100M events the target is stated for (DG_BENCH_INVESTIGATE_EVENTS or smoke sizes).';
  return {
    run: (iteration: number) => measure(ch, code, limits, iteration),
    notes: async () => [
      `Through the real query code (\`services/investigate/\`: keyTimeline, topKeys, orgRollup with the configured limits), one query at a time, ${QUERIES_PER_KIND} of each kind per run; latency includes HTTP, JSON decoding and zod validation of the rows.`,
      `Data: ${events.rows.toLocaleString('en-US')} usage_events rows over ${DATA_DAYS} days and ${DATA_KEYS.toLocaleString('en-US')} keys (skewed: key-0 has ~2% of all traffic), generated inside ClickHouse with INSERT … SELECT FROM numbers() into the real DDL; ${gib(events.onDisk)} on disk (${gib(events.uncompressed)} uncompressed, ${events.parts} parts). prompt_text is empty (the queries do not read it). key_features: ${features.rows.toLocaleString('en-US')} rows (one per key per active hour, for days ${FEATURE_DAYS[0]}–${FEATURE_DAYS[1]} which the queries read), ${gib(features.onDisk)} on disk.${size}`,
      `Rollups (migration 0008, per key and UTC hour, kept by materialized views): usage_hours ${usageHours.rows.toLocaleString('en-US')} rows, ${gib(usageHours.onDisk)} on disk; key_feature_hours ${featureHours.rows.toLocaleString('en-US')} rows, ${gib(featureHours.onDisk)}. The timeline and top keys read them for whole hours and the raw tables (FINAL) only for ragged range ends and hours holding a redelivered or rewritten row (none here).`,
      await finalProbe(ch),
      fill.stepsRun === 0
        ? `Data reused from the cached database \`${database}\`.`
        : `Generated ${fill.stepsRun} fill steps in ${fill.seconds.toFixed(0)} s into \`${database}\`.`,
      mergeNote(merges, options.mergeBudgetMs / 1000),
    ],
    close,
  };
}

export const investigatorQueries: Scenario = {
  name: 'investigator-queries',
  title: 'Investigator queries over 100M events',
  target: 'key timeline over 30 days and top-N keys over a day: p50 ≤ 300 ms, p99 ≤ 1 s (100M events in ClickHouse).',
  runs: { full: 3, smoke: 1 },
  start,
};
