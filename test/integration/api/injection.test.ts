import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { encodeValue, sql } from '../../../services/common/clickhouse/sql.ts';
import { table } from '../../../services/common/clickhouse/table.ts';
import { encodeCursor } from '../../../services/common/cursor.ts';
import { type Harness, startHarness } from './harness.ts';
import { HOUR, seedAlerts, seedUsage, T0 } from './seed.ts';

/** Hostile values for every parameter; system.query_log is off on 18.16, so the app's queries are recorded instead. */
const PAYLOADS = [
  "' OR 1=1 --",
  "\\'",
  "x'); DROP TABLE t; --",
  "key-a' OR api_key_id != '",
  "\\' OR 1=1 --",
  '`; SELECT 1 --',
  "key-a'\n UNION ALL SELECT * FROM system.tables --",
];
const RANGE = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 6 * HOUR).toISOString()}`;
let h: Harness;

before(async () => {
  h = await startHarness({ now: () => T0 + 10 * HOUR });
  await seedUsage(h.ch, T0);
  await insertAlerts(h.ch, seedAlerts(), T0);
  await h.ch.command(sql`CREATE TABLE ${table(h.ch, 't')} (x UInt8) ENGINE = Memory`);
});
after(() => h.close());

function urlsFor(p: string): Array<{ url: string; role: 'analyst' | 'investigator' }> {
  const e = encodeURIComponent(p);
  const cursorAlerts = encodeURIComponent(encodeCursor({ r: T0, id: p }));
  const cursorEvents = encodeURIComponent(encodeCursor({ t: T0 + 6 * HOUR, id: p }));
  return [
    { url: `/v1/alerts?key=${e}&org=${e}`, role: 'analyst' },
    { url: `/v1/alerts?cursor=${cursorAlerts}`, role: 'analyst' },
    { url: `/v1/alerts?status=${e}`, role: 'analyst' },
    { url: `/v1/alerts/${e}`, role: 'analyst' },
    { url: `/v1/suppressions/${e}/history`, role: 'analyst' },
    { url: `/v1/investigate/keys/${e}/timeline?${RANGE}&features=req_per_min`, role: 'investigator' },
    { url: `/v1/investigate/keys/key-a/timeline?${RANGE}&features=${e}`, role: 'investigator' },
    { url: `/v1/investigate/keys/key-a/timeline?${RANGE}&bucket=${e}`, role: 'investigator' },
    { url: `/v1/investigate/top-keys?${RANGE}&feature=${e}`, role: 'investigator' },
    { url: `/v1/investigate/top-keys?${RANGE}&feature=req_per_min&org=${e}`, role: 'investigator' },
    { url: `/v1/investigate/top-keys?${RANGE}&feature=req_per_min&agg=${e}`, role: 'investigator' },
    { url: `/v1/investigate/keys/${e}/linked?${RANGE}`, role: 'investigator' },
    { url: `/v1/investigate/keys/${e}/events?${RANGE}`, role: 'investigator' },
    { url: `/v1/investigate/keys/key-a/events?${RANGE}&cursor=${cursorEvents}`, role: 'investigator' },
    { url: `/v1/investigate/orgs/${e}/rollup?${RANGE}`, role: 'investigator' },
    { url: `/v1/investigate/export?${RANGE}&key=${e}`, role: 'investigator' },
    { url: `/v1/investigate/export?${RANGE}&org=${e}&format=csv`, role: 'investigator' },
    { url: `/v1/investigate/export?${RANGE}&key=key-a&format=${e}`, role: 'investigator' },
    { url: `/v1/investigate/keys/key-a/events?from=${e}&to=${e}`, role: 'investigator' },
  ];
}

/** Row arrays in a response; an injected filter must never match the seeded rows. */
function rowsIn(body: Record<string, unknown>): unknown[] {
  return ['alerts', 'events', 'keys', 'linked', 'buckets', 'history'].flatMap((k) =>
    Array.isArray(body[k]) ? body[k] : [],
  );
}

test('hostile values reach ClickHouse only as literals, leak no rows and never cause a 5xx', async () => {
  for (const payload of PAYLOADS) {
    const literal = encodeValue(payload);
    for (const { url, role } of urlsFor(payload)) {
      const before = h.queries.length;
      const r = await h.app.inject({ url, headers: h.as(role) });
      assert.ok([200, 400, 404].includes(r.statusCode), `${url} → ${r.statusCode} ${r.body}`);
      if (r.statusCode === 200 && String(r.headers['content-type']).includes('application/json'))
        assert.deepEqual(rowsIn(r.json()), [], `${url} leaked rows`);
      if (r.statusCode === 200 && !String(r.headers['content-type']).includes('application/json'))
        assert.ok(r.body.split('\n').filter(Boolean).length <= 1, `${url} exported rows`);
      for (const text of h.queries.slice(before))
        assert.ok(!text.split(literal).join('').includes(payload), `${url}: payload outside a literal in ${text}`);
    }
  }
});

test('hostile suppression values are stored verbatim and tables stay intact', async () => {
  for (const payload of PAYLOADS) {
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/suppressions',
      headers: h.as('analyst'),
      payload: { scope: 'key', value: payload, reason: payload, expires_at: new Date(T0 + 20 * HOUR).toISOString() },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().value, payload);
  }
  const list = await h.app.inject({ url: '/v1/suppressions', headers: h.as('analyst') });
  assert.deepEqual(
    list
      .json()
      .suppressions.map((s: { value: string }) => s.value)
      .sort(),
    [...PAYLOADS].sort(),
  );
  const tables = await h.ch.query(
    sql`SELECT name FROM system.tables WHERE database = ${h.ch.database} ORDER BY name`,
    z.object({ name: z.string() }),
  );
  assert.ok(tables.some((t) => t.name === 't'));
  const [events] = await h.ch.query(
    sql`SELECT count() AS n FROM ${table(h.ch, 'usage_events')}`,
    z.object({ n: z.coerce.number() }),
  );
  assert.equal(events!.n, 390);
});
