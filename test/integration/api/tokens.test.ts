import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { z } from 'zod';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { createTokenStore } from '../../../services/auth/token-store.ts';
import { sql } from '../../../services/common/clickhouse/sql.ts';
import { table } from '../../../services/common/clickhouse/table.ts';
import { type Harness, startHarness } from './harness.ts';
import { seedAlerts } from './seed.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/distillguard', import.meta.url).pathname;
let h: Harness;
let clock = Date.parse('2026-03-01T12:00:00Z');

before(async () => {
  h = await startHarness({ now: () => clock });
});
after(() => h.close());

test('tokens are stored only as hashes; revocation takes effect when the cache entry expires', async () => {
  const created = await h.app.inject({
    method: 'POST',
    url: '/v1/tokens',
    headers: h.as('admin'),
    payload: { name: 'bob', role: 'analyst' },
  });
  assert.equal(created.statusCode, 201);
  const { token, record } = created.json();
  const stored = await h.ch.queryRaw(
    sql`SELECT * FROM ${table(h.ch, 'api_tokens')} WHERE token_id = ${record.token_id}`,
  );
  assert.equal(JSON.stringify(stored).includes(token.slice(-43)), false, 'token text stored');
  const headers = { authorization: `Bearer ${token}` };
  assert.equal((await h.app.inject({ url: '/v1/me', headers })).json().name, 'bob');

  const revoked = await h.app.inject({
    method: 'DELETE',
    url: `/v1/tokens/${record.token_id}`,
    headers: h.as('admin'),
  });
  assert.equal(revoked.statusCode, 204);
  // The API's own store dropped its cache entry on revoke; a second instance would see it within the TTL.
  assert.equal((await h.app.inject({ url: '/v1/me', headers })).statusCode, 401);
  const listed = (await h.app.inject({ url: '/v1/tokens', headers: h.as('admin') })).json().tokens;
  assert.ok(listed.find((t: { token_id: string }) => t.token_id === record.token_id).revoked_at);
  assert.equal(
    (await h.app.inject({ method: 'DELETE', url: '/v1/tokens/0123456789abcdef', headers: h.as('admin') })).statusCode,
    404,
  );
});

test('another instance trusts its cached token until the TTL passes', async () => {
  const other = createTokenStore(h.ch, { cacheMs: 5_000, now: () => clock });
  const { token, record } = await h.deps.tokens.create({ name: 'carol', role: 'gateway' });
  assert.equal((await other.authenticate(token))?.name, 'carol');
  await h.deps.tokens.revoke(record.token_id);
  assert.equal((await other.authenticate(token))?.name, 'carol', 'cached within TTL');
  clock += 5_000;
  assert.equal(await other.authenticate(token), null);
  assert.equal(await other.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), null);
});

test('a token in use is re-read in the background before its entry goes stale; concurrent misses share one read', async () => {
  let reads = 0;
  const counting: typeof h.ch = {
    ...h.ch,
    database: h.ch.database,
    query: (query, rowSchema, options) => {
      reads += 1;
      return h.ch.query(query, rowSchema, options);
    },
  };
  const store = createTokenStore(counting, { cacheMs: 5_000, now: () => clock });
  const { token, record } = await h.deps.tokens.create({ name: 'erin', role: 'gateway' });
  const start = clock;
  const first = await Promise.all(Array.from({ length: 20 }, () => store.authenticate(token)));
  assert.deepEqual(new Set(first.map((p) => p?.name)), new Set(['erin']));
  assert.equal(reads, 2, 'twenty lookups at once: one read of the live ids and one of the row');

  clock = start + 2_400;
  assert.equal(store.cachedPrincipal(token)?.name, 'erin');
  assert.equal(reads, 2, 'an entry younger than half the TTL is not re-read');
  clock = start + 2_500;
  assert.equal(store.cachedPrincipal(token)?.name, 'erin', 'answered from the entry while it is renewed');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.cachedPrincipal(token)?.name, 'erin');
  assert.equal(reads, 3, 'one background read, however many requests see the ageing entry');

  // Past the first entry's TTL, the token is still known: the renewed entry (read at +2.5 s) is fresh until +7.5 s.
  clock = start + 5_400;
  let renewed = store.cachedPrincipal(token);
  for (let i = 0; i < 200 && renewed === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    renewed = store.cachedPrincipal(token);
  }
  assert.equal(renewed?.name, 'erin');

  // A revocation still takes effect within the TTL: the newest entry was read at +5.4 s at the latest (that lookup
  // found the +2.5 s entry ageing and renewed it again), before the revocation.
  await h.deps.tokens.revoke(record.token_id);
  clock = start + 10_400;
  assert.equal(await store.authenticate(token), null);
});

test('suppression rules: CRUD, audit trail, applied when alerts are stored', async () => {
  const expires = new Date(clock + 86_400_000).toISOString();
  const created = await h.app.inject({
    method: 'POST',
    url: '/v1/suppressions',
    headers: h.as('analyst'),
    payload: { scope: 'key', value: 'key-d', reason: 'internal load test', expires_at: expires },
  });
  assert.equal(created.statusCode, 201);
  const id = created.json().suppression_id;
  assert.equal(created.json().created_by, 'analyst-1');
  const patched = await h.app.inject({
    method: 'PATCH',
    url: `/v1/suppressions/${id}`,
    headers: h.as('analyst'),
    payload: { reason: 'load test, ticket 7' },
  });
  assert.equal(patched.json().version, 2);

  const stored = await insertAlerts(h.ch, seedAlerts(), clock);
  assert.deepEqual(
    stored.filter((a) => a.suppressed).map((a) => a.alert_id),
    ['alert-d1'],
  );
  const queue = (await h.app.inject({ url: '/v1/alerts', headers: h.as('analyst') })).json().alerts;
  assert.ok(!queue.some((a: { alert_id: string }) => a.alert_id === 'alert-d1'));
  const only = (await h.app.inject({ url: '/v1/alerts?suppressed=only', headers: h.as('analyst') })).json().alerts;
  assert.deepEqual(
    only.map((a: { alert_id: string }) => a.alert_id),
    ['alert-d1'],
  );

  assert.equal(
    (await h.app.inject({ method: 'DELETE', url: `/v1/suppressions/${id}`, headers: h.as('analyst') })).statusCode,
    204,
  );
  assert.deepEqual((await h.app.inject({ url: '/v1/suppressions', headers: h.as('analyst') })).json().suppressions, []);
  const history = (await h.app.inject({ url: `/v1/suppressions/${id}/history`, headers: h.as('investigator') })).json()
    .history;
  assert.deepEqual(
    history.map((e: { action: string; actor: string }) => [e.action, e.actor]),
    [
      ['create', 'analyst-1'],
      ['update', 'analyst-1'],
      ['delete', 'analyst-1'],
    ],
  );
  const past = await h.app.inject({
    method: 'POST',
    url: '/v1/suppressions',
    headers: h.as('analyst'),
    payload: { scope: 'org', value: 'o', reason: 'r', expires_at: new Date(clock - 1).toISOString() },
  });
  assert.equal(past.statusCode, 400);
});

test('CLI: token create prints the token once, list and revoke work; labels export writes JSONL', async () => {
  const env = { ...process.env, DG_CLICKHOUSE_DATABASE: h.ch.database, DG_LOG_LEVEL: 'silent' };
  const created = await run(BIN, ['token', 'create', '--role', 'investigator', '--name', 'dana'], { env });
  const token = created.stdout.trim();
  assert.match(token, /^dg_[a-f0-9]{16}_/);
  const id = token.slice(3, 19);
  const listed = await run(BIN, ['token', 'list'], { env });
  assert.match(listed.stdout, new RegExp(`${id}\\tinvestigator\\s*\\tdana\\t.*\\tactive`));
  assert.equal(listed.stdout.includes(token.slice(-43)), false);
  await run(BIN, ['token', 'revoke', id], { env });
  assert.match((await run(BIN, ['token', 'list'], { env })).stdout, new RegExp(`${id}.*revoked`));
  await assert.rejects(
    run(BIN, ['token', 'create', '--role', 'boss', '--name', 'x'], { env }),
    /--role must be one of/,
  );

  await h.app.inject({
    method: 'POST',
    url: '/v1/alerts/alert-a1/resolve',
    headers: h.as('analyst'),
    payload: { label: 'false_positive' },
  });
  const out = `${tmpdir()}/labels-${process.pid}.jsonl`;
  await run(BIN, ['labels', 'export', '--out', out], { env });
  const lines = (await readFile(out, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { api_key_id: 'key-a', label: 'false_positive', ts: '2026-03-01T02:00:00.000Z', alert_id: 'alert-a1' },
  ]);
  const rows = await h.ch.query(
    sql`SELECT count() AS n FROM ${table(h.ch, 'api_tokens')} FINAL`,
    z.object({ n: z.coerce.number() }),
  );
  assert.ok(rows[0]!.n >= 6);
});
