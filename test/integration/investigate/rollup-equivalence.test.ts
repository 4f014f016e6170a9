import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { sql, trusted } from '../../../services/common/clickhouse/sql.ts';
import { table } from '../../../services/common/clickhouse/table.ts';
import { inRange, type TimeRange } from '../../../services/common/clickhouse/time-range.ts';
import { FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { toUsageEventRow } from '../../../services/event-store/usage-event-row.ts';
import { keyTimeline } from '../../../services/investigate/key-timeline.ts';
import { type Aggregation, topKeys } from '../../../services/investigate/top-keys.ts';
import { createPrng } from '../../../services/ml/prng.ts';
import { testClickHouse, testConfig } from '../../helpers/infra.ts';

// The investigator queries read the hourly rollups of migration 0008; these tests hold them to the raw tables read
// with FINAL (the queries as they were before the rollups), on data with redelivered events, rewritten snapshots,
// snapshots older than a feature and ranges that do not start or end on an hour.

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const LIMITS = { maxRangeDays: 90, timeoutS: 30, maxRows: 1_000, exportMaxRows: 10_000 };
const KEYS = [
  { key: 'key-a', org: 'org-1', every: 2 * MIN },
  { key: 'key-b', org: 'org-1', every: 7 * MIN },
  { key: 'key-c', org: 'org-2', every: 3 * MIN },
  { key: 'key-d', org: 'org-3', every: 11 * MIN },
];
/** Old snapshots carry the feature list before its last entries were appended. */
const OLD_NAMES = FEATURE_NAMES.slice(0, FEATURE_NAMES.length - 3);
const LATE_FEATURE = FEATURE_NAMES[FEATURE_NAMES.length - 1]!;

let ch: Awaited<ReturnType<typeof testClickHouse>>;

function events(): UsageEvent[] {
  const rnd = createPrng(11);
  const out: UsageEvent[] = [];
  for (const k of KEYS)
    for (let ts = T0 + 13 * 1000, i = 0; ts < T0 + 6 * HOUR; ts += k.every, i++) {
      const kind = i % 4;
      out.push({
        event_id: `${k.key}-${i}`,
        ts: ts + Math.floor(rnd() * 1000),
        api_key_id: k.key,
        org_id: k.org,
        model: 'model-x',
        input_tokens: Math.floor(rnd() * 900),
        output_tokens: Math.floor(rnd() * 3000),
        ...(kind === 0 ? { prompt_sha256: (i % 9).toString(16).padStart(64, '0') } : {}),
        ...(kind === 1 ? { prompt_text: `prompt ${i % 13}` } : {}),
        ...(kind !== 3 ? { prompt_simhash: (i % 5).toString(16).padStart(16, '0') } : {}),
      } as UsageEvent);
    }
  return out;
}

function snapshots(rnd: () => number, version: number): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const [ki, k] of KEYS.entries())
    for (let ts = T0 + 5 * MIN + ki * 1000; ts < T0 + 6 * HOUR; ts += (4 + ki) * MIN) {
      // Key-b's first two hours were written before the last features existed.
      const names = k.key === 'key-b' && ts < T0 + 2 * HOUR ? OLD_NAMES : FEATURE_NAMES;
      rows.push({
        api_key_id: k.key,
        org_id: k.org,
        model: 'model-x',
        ts: Math.floor(ts / 1000),
        ts_ms: ts,
        feature_names: [...names],
        feature_values: names.map(() => Math.round(rnd() * 1000) / 10 + version),
        score: Math.round(rnd() * 1000) / 1000,
      });
    }
  return rows;
}

before(async () => {
  ch = await testClickHouse(testConfig());
  const all = events();
  const rows = (list: UsageEvent[], at: number) =>
    list.map((event, i) => toUsageEventRow({ event, source: { topic: 't', partition: 0, offset: String(i) } }, at));
  await ch.insert('usage_events', rows(all, T0 + 7 * HOUR));
  // A redelivered batch: the same events again, ingested later (one in five of key-a's and key-c's second hour).
  const again = all.filter(
    (e, i) => i % 5 === 0 && ['key-a', 'key-c'].includes(e.api_key_id) && e.ts >= T0 + HOUR && e.ts < T0 + 2 * HOUR,
  );
  assert.ok(again.length > 5);
  await ch.insert('usage_events', rows(again, T0 + 8 * HOUR));
  const rnd = createPrng(5);
  const first = snapshots(rnd, 0);
  await ch.insert('key_features', first);
  // Rewritten snapshots: same key and ts_ms, other values; the later write is the one FINAL keeps.
  const rewritten = snapshots(rnd, 50).filter(
    (r, i) =>
      i % 3 === 0 && r.api_key_id !== 'key-b' && Number(r.ts_ms) >= T0 + 2 * HOUR && Number(r.ts_ms) < T0 + 3 * HOUR,
  );
  assert.ok(rewritten.length > 5);
  await ch.insert('key_features', rewritten);
});
after(() => ch.drop());

/** The timeline as the raw tables answer it with FINAL (the query before the rollups). */
async function rawTimeline(key: string, range: TimeRange, fn: string, features: string[]) {
  const means = features.map(
    (f) => `avgIf(feature_values[indexOf(feature_names, '${f}')], indexOf(feature_names, '${f}') > 0)`,
  );
  const usage = await ch.queryRaw(
    sql`SELECT toUInt32(${trusted(fn)}(ts)) AS bucket_s, count() AS requests, sum(input_tokens) AS input_tokens,
          sum(output_tokens) AS output_tokens, uniqExactIf(multiIf(prompt_sha256 != '', prompt_sha256,
          prompt_text != '', toString(cityHash64(prompt_text)), prompt_simhash),
          prompt_sha256 != '' OR prompt_text != '' OR prompt_simhash != '') AS distinct_prompts
        FROM ${table(ch, 'usage_events')} FINAL WHERE api_key_id = ${key} AND ${inRange(range)}
        GROUP BY bucket_s ORDER BY bucket_s`,
  );
  const feats = await ch.queryRaw(
    sql`SELECT toUInt32(${trusted(fn)}(ts)) AS bucket_s, max(score) AS score, [${trusted(means.join(', '))}] AS values
        FROM ${table(ch, 'key_features')} FINAL WHERE api_key_id = ${key} AND ${inRange(range)}
        GROUP BY bucket_s ORDER BY bucket_s`,
  );
  const buckets = new Map<number, Record<string, unknown>>();
  const at = (s: number) => {
    const found = buckets.get(s) ?? {
      ts: new Date(s * 1000).toISOString(),
      requests: 0,
      input_tokens: 0,
      output_tokens: 0,
      distinct_prompts: 0,
      score: null,
      features: Object.fromEntries(features.map((f) => [f, null])),
    };
    buckets.set(s, found);
    return found;
  };
  for (const { bucket_s, ...u } of usage)
    Object.assign(at(Number(bucket_s)), Object.fromEntries(Object.entries(u).map(([k, v]) => [k, Number(v)])));
  for (const f of feats) {
    const b = at(Number(f.bucket_s));
    b.score = f.score;
    b.features = Object.fromEntries(features.map((n, i) => [n, (f.values as number[])[i] ?? null]));
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** Top keys as the raw table answers it with FINAL (the query before the rollups). */
async function rawTopKeys(feature: string, agg: Aggregation, range: TimeRange, org?: string) {
  const fn = trusted({ max: 'max', avg: 'avg', p90: 'quantile(0.9)' }[agg]);
  const byOrg = org ? sql`AND org_id = ${org}` : sql``;
  const rows = await ch.queryRaw(
    sql`SELECT api_key_id, any(org_id) AS key_org, ${fn}(feature_values[indexOf(feature_names, ${feature})]) AS value,
          count() AS snapshots, max(score) AS max_score
        FROM ${table(ch, 'key_features')} FINAL
        WHERE ${inRange(range)} AND indexOf(feature_names, ${feature}) > 0 ${byOrg}
        GROUP BY api_key_id ORDER BY value DESC, api_key_id`,
  );
  return rows.map(({ key_org, ...r }) => ({ ...r, org_id: key_org, snapshots: Number(r.snapshots) }));
}

/** Equal, numbers to 1e-9 relative: sums of partial sums round differently in the last bits. */
function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, `${path}: ${actual} != ${expected}`);
  } else if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(expected))
      assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else assert.deepEqual(actual, expected, path);
}

const RANGES: Record<string, TimeRange> = {
  'whole hours': { fromMs: T0, toMs: T0 + 6 * HOUR },
  'ragged ends': { fromMs: T0 + 17 * MIN + 30_500, toMs: T0 + 4 * HOUR + 41 * MIN + 12_300 },
  'inside one hour': { fromMs: T0 + HOUR + 5 * MIN, toMs: T0 + HOUR + 50 * MIN },
};
const FEATURES = ['req_per_min', 'template_share', LATE_FEATURE];

async function assertSameAnswers(when: string) {
  for (const [name, range] of Object.entries(RANGES)) {
    for (const key of KEYS.map((k) => k.key))
      for (const bucket of ['hour', 'day', 'minute'] as const) {
        const fn = { minute: 'toStartOfMinute', hour: 'toStartOfHour', day: 'toStartOfDay' }[bucket];
        const got = await keyTimeline(ch, LIMITS, { key, range, bucket, features: FEATURES });
        assertClose(got.buckets, await rawTimeline(key, range, fn, FEATURES), `${when}, ${name}, ${key}, ${bucket}`);
      }
    for (const feature of ['req_per_min', LATE_FEATURE])
      for (const agg of ['max', 'avg', 'p90'] as const)
        for (const org of [undefined, 'org-1']) {
          const expected = await rawTopKeys(feature, agg, range, org);
          const got = await topKeys(ch, LIMITS, { feature, agg, range, org, limit: 100, offset: 0 });
          assertClose(got.keys, expected, `${when}, ${name}, top ${feature} ${agg} ${org ?? ''}`);
        }
  }
}

test('timeline and top keys from the rollups equal the raw tables read with FINAL', async () => {
  const [dup] = await ch.queryRaw(
    sql`SELECT count() AS hours FROM (SELECT api_key_id, hour FROM ${table(ch, 'usage_hours')} GROUP BY api_key_id, hour
        HAVING countMerge(inserted_rows) != uniqExactMerge(events))`,
  );
  assert.equal(Number(dup?.hours), 2, 'the redelivered hour of key-a and key-c is seen as holding duplicates');
  await assertSameAnswers('as inserted');
});

test('still equal once the raw duplicates are merged away and the rollups merged', async () => {
  for (const t of ['usage_events', 'key_features', 'usage_hours', 'key_feature_hours'])
    await ch.command(sql`OPTIMIZE TABLE ${table(ch, t)} FINAL`);
  await assertSameAnswers('after OPTIMIZE');
});

test('a page of top keys from the rollups: offsets and next_offset as before', async () => {
  const range = RANGES['whole hours']!;
  const all = await rawTopKeys('req_per_min', 'max', range);
  const first = await topKeys(ch, LIMITS, { feature: 'req_per_min', agg: 'max', range, limit: 3, offset: 0 });
  const rest = await topKeys(ch, LIMITS, { feature: 'req_per_min', agg: 'max', range, limit: 3, offset: 3 });
  assert.equal(first.next_offset, 3);
  assert.equal(rest.next_offset, null);
  assertClose([...first.keys, ...rest.keys], all);
});
