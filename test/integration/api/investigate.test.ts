import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { toUsageEventRow } from '../../../services/event-store/usage-event-row.ts';
import { type Harness, startHarness } from './harness.ts';
import { HOUR, seedAlerts, seedUsage, T0 } from './seed.ts';

let h: Harness;
const NOW = T0 + 10 * HOUR;
const FROM = new Date(T0).toISOString();
const TO = new Date(T0 + 6 * HOUR).toISOString();
const RANGE = `from=${FROM}&to=${TO}`;

before(async () => {
  h = await startHarness({ now: () => NOW });
  await seedUsage(h.ch, NOW);
  await insertAlerts(h.ch, seedAlerts(), NOW);
});
after(() => h.close());

async function get(url: string, role: 'investigator' | 'analyst' = 'investigator') {
  const r = await h.app.inject({ url, headers: h.as(role) });
  return {
    status: r.statusCode,
    body: String(r.headers['content-type']).includes('application/json') ? r.json() : r.body,
    raw: r,
  };
}

test('key timeline buckets usage and feature means per hour', async () => {
  const { status, body } = await get(
    `/v1/investigate/keys/key-a/timeline?${RANGE}&bucket=hour&features=req_per_min,template_share`,
  );
  assert.equal(status, 200);
  assert.equal(body.buckets.length, 6);
  assert.deepEqual(
    body.buckets.map((b: { requests: number }) => b.requests),
    [30, 30, 30, 30, 30, 30],
  );
  assert.equal(body.buckets[0].ts, FROM);
  assert.deepEqual(body.buckets[0].features, { req_per_min: 0.5, template_share: 0.9 });
  // Prompt text differs per event while the SimHash is shared: each text counts once.
  assert.equal(body.buckets[0].distinct_prompts, 30);
  const tooFine = await get(
    `/v1/investigate/keys/key-a/timeline?from=${FROM}&to=${new Date(T0 + 30 * 86_400_000).toISOString()}&bucket=minute`,
  );
  assert.equal(tooFine.status, 400);
  assert.match(tooFine.body.error.message, /buckets exceed/);
});

test('top keys by an allowlisted feature, paged by offset', async () => {
  const first = await get(`/v1/investigate/top-keys?${RANGE}&feature=req_per_min&limit=2`);
  assert.equal(first.status, 200);
  assert.deepEqual(
    first.body.keys.map((k: { api_key_id: string }) => k.api_key_id),
    ['key-a', 'key-c'],
  );
  assert.equal(first.body.keys[0].value, 0.5);
  const second = await get(
    `/v1/investigate/top-keys?${RANGE}&feature=req_per_min&limit=2&offset=${first.body.next_offset}`,
  );
  assert.deepEqual(
    second.body.keys.map((k: { api_key_id: string }) => k.api_key_id),
    ['key-b', 'key-d'],
  );
  assert.equal(second.body.next_offset, null);
  const unknown = await get(`/v1/investigate/top-keys?${RANGE}&feature=event_id`);
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /query\.feature/);
});

test('linked keys: key-c shares template, system prompt and IP with key-a; key-b only the ASN', async () => {
  const { status, body } = await get(`/v1/investigate/keys/key-a/linked?${RANGE}`);
  assert.equal(status, 200);
  assert.deepEqual(body.linked, [
    { api_key_id: 'key-c', org_id: 'org-2', shared: { template: 1, system_prompt: 1, client_ip: 1 }, events: 120 },
    { api_key_id: 'key-b', org_id: 'org-1', shared: { asn: 1 }, events: 60 },
  ]);
});

test('raw events page through a key with a cursor, each event once', async () => {
  const ids = new Set<string>();
  let cursor = '';
  let pages = 0;
  do {
    const { body } = await get(
      `/v1/investigate/keys/key-a/events?${RANGE}&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const e of body.events) ids.add(e.event_id);
    cursor = body.next_cursor ?? '';
    pages++;
  } while (cursor);
  assert.equal(ids.size, 180);
  assert.equal(pages, 4);
});

test('org rollup totals per key with alert counts', async () => {
  const { status, body } = await get(`/v1/investigate/orgs/org-1/rollup?${RANGE}`);
  assert.equal(status, 200);
  assert.deepEqual(
    body.keys.map((k: { api_key_id: string; requests: number; alerts: number }) => [
      k.api_key_id,
      k.requests,
      k.alerts,
    ]),
    [
      ['key-a', 180, 2],
      ['key-b', 60, 1],
    ],
  );
});

test('export streams CSV with a header and JSONL, capped by rows', async () => {
  const csv = await get(`/v1/investigate/export?${RANGE}&key=key-a&format=csv&rows=100`);
  assert.equal(csv.status, 200);
  assert.match(csv.raw.headers['content-type'] as string, /text\/csv/);
  const lines = (csv.body as string).trimEnd().split('\n');
  assert.equal(lines.length, 101);
  assert.match(lines[0]!, /^"event_id","ts_ms","api_key_id"/);
  const jsonl = await get(`/v1/investigate/export?${RANGE}&org=org-1&format=jsonl`);
  const rows = (jsonl.raw.body as string)
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { org_id: string });
  assert.equal(rows.length, 240);
  assert.ok(rows.every((r) => r.org_id === 'org-1'));
  assert.equal((await get(`/v1/investigate/export?${RANGE}&format=csv`)).status, 400);
});

test('without from/to a query covers the data (first to last event), and says which range it used', async () => {
  const events = await get('/v1/investigate/keys/key-a/events?limit=500');
  assert.equal(events.status, 200);
  assert.equal(events.body.events.length, 180);
  assert.deepEqual(events.body.range, {
    from: FROM,
    to: new Date(T0 + Math.floor((179 * 6 * HOUR) / 180) + 1).toISOString(),
  });
  const timeline = await get('/v1/investigate/keys/key-a/timeline?bucket=hour');
  assert.equal(timeline.body.buckets.length, 6);
  const keyPage = await get('/v1/keys/key-a/timeline?bucket=hour', 'analyst');
  assert.deepEqual(keyPage.body.range, timeline.body.range);
  const top = await get('/v1/investigate/top-keys?feature=req_per_min');
  assert.equal(top.status, 200);
  assert.ok(top.body.keys.length > 0);
  const half = await get(`/v1/investigate/keys/key-a/events?from=${FROM}`);
  assert.match(half.body.error.message, /give both from and to, or neither/);
  const reversed = await get(`/v1/investigate/keys/key-a/events?from=${TO}&to=${FROM}`);
  assert.equal(reversed.status, 400);
  assert.match(reversed.body.error.message, /from must be before to/);
  const wide = await get(`/v1/investigate/keys/key-a/events?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
  assert.equal(wide.status, 400);
  assert.match(wide.body.error.message, /at most 90 days/);
});

test('distinct prompts count the gateway sha256 when sent, else the text, else the SimHash', async () => {
  const base = T0 + 20 * HOUR;
  const events = [0, 1, 2, 3, 4, 5].map((i) => ({
    event_id: `fp-${i}`,
    ts: base + i * 1000,
    api_key_id: 'key-fp',
    org_id: 'org-9',
    model: 'model-x',
    input_tokens: 1,
    output_tokens: 1,
    ...(i < 2 ? { prompt_sha256: 'a'.repeat(64), prompt_text: `text ${i}` } : {}),
    ...(i >= 2 && i < 4 ? { prompt_text: `same text` } : {}),
    ...(i >= 4 ? { prompt_simhash: `${i}`.repeat(16) } : {}),
  }));
  await h.ch.insert(
    'usage_events',
    events.map((event, i) =>
      toUsageEventRow({ event: event as UsageEvent, source: { topic: 't', partition: 0, offset: String(i) } }, NOW),
    ),
  );
  const { body } = await get('/v1/investigate/keys/key-fp/timeline?bucket=hour');
  assert.deepEqual(
    body.buckets.map((b: { distinct_prompts: number }) => b.distinct_prompts),
    [4],
  );
});

test('analysts investigate keys with alerts only (404 otherwise) and never run population or org queries', async () => {
  assert.equal((await get(`/v1/investigate/keys/key-a/events?${RANGE}`, 'analyst')).status, 200);
  assert.equal((await get('/v1/investigate/keys/key-c/timeline', 'analyst')).status, 200);
  assert.equal((await get('/v1/investigate/keys/key-a/linked', 'analyst')).status, 200);
  const unalerted = await get('/v1/investigate/keys/key-fp/events', 'analyst');
  assert.equal(unalerted.status, 404);
  assert.match(unalerted.body.error.message, /analysts investigate keys with alerts/);
  assert.equal((await get('/v1/investigate/keys/key-fp/events', 'investigator')).status, 200);
  assert.equal((await get(`/v1/investigate/top-keys?${RANGE}&feature=req_per_min`, 'analyst')).status, 403);
  assert.equal((await get(`/v1/investigate/orgs/org-1/rollup?${RANGE}`, 'analyst')).status, 403);
  assert.equal((await get(`/v1/investigate/export?${RANGE}&key=key-a`, 'analyst')).status, 403);
});

test('every investigator query carries a LIMIT and a server-side timeout', async () => {
  const before = h.queries.length;
  await get(`/v1/investigate/keys/key-a/timeline?${RANGE}&features=req_per_min`);
  await get(`/v1/investigate/top-keys?${RANGE}&feature=req_per_min`);
  await get(`/v1/investigate/keys/key-a/linked?${RANGE}`);
  await get(`/v1/investigate/keys/key-a/events?${RANGE}`);
  await get(`/v1/investigate/orgs/org-1/rollup?${RANGE}`);
  await get(`/v1/investigate/export?${RANGE}&key=key-a`);
  const sent = h.queries.slice(before);
  assert.equal(sent.length, 11);
  for (const text of sent) {
    assert.match(text, /LIMIT \d+/, text);
    assert.match(text, /SETTINGS max_execution_time = 20, max_result_rows = \d+/, text);
  }
});

test('the key page profile and the cluster page answer over seeded data (responses checked against their schemas)', async () => {
  const profile = await get('/v1/keys/key-a/profile', 'analyst');
  assert.equal(profile.status, 200);
  assert.equal(profile.body.api_key_id, 'key-a');
  assert.ok(profile.body.population_keys >= 1);
  assert.ok(profile.body.features.some((f: { feature: string }) => f.feature === 'req_per_min'));
  const cluster = await get('/v1/clusters/alert-ac', 'analyst');
  assert.equal(cluster.status, 200);
  assert.deepEqual(
    cluster.body.members.map((m: { api_key_id: string }) => m.api_key_id),
    ['key-a', 'key-c'],
  );
  assert.equal((await get('/v1/clusters/alert-a1', 'analyst')).status, 404, 'a key alert is not a cluster');
});
