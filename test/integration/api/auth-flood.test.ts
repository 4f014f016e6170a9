import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newTokenId, newTokenValue } from '../../../services/auth/token-secret.ts';
import { createTokenStore } from '../../../services/auth/token-store.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import { type Harness, startHarness } from './harness.ts';

const FLOOD = 10_000;
const AUTH_FAILURES_PER_MIN = 20;
let h: Harness;
let clock = Date.parse('2026-03-01T12:00:00Z');

before(async () => {
  h = await startHarness({ now: () => clock, env: { DG_API_AUTH_FAILURES_PER_MIN: `${AUTH_FAILURES_PER_MIN}` } });
});
after(() => h.close());

/** The same client, counting the queries it sends. */
function counting(ch: ClickHouse): ClickHouse & { count: number } {
  const counted = {
    ...ch,
    count: 0,
    query: ((q, schema) => {
      counted.count += 1;
      return ch.query(q, schema);
    }) as ClickHouse['query'],
  };
  return counted;
}

const randomToken = () => newTokenValue(newTokenId());

test('10,000 random well-formed tokens cost a few token-store queries and evict no valid token', async () => {
  const ch = counting(h.ch);
  const store = createTokenStore(ch, { cacheMs: 60_000, now: () => clock });
  const { token } = await h.deps.tokens.create({ name: 'gw-flood', role: 'gateway' });
  assert.equal((await store.authenticate(token))?.name, 'gw-flood');
  const before = ch.count;
  // The flood spreads over 20 s, as from many sources; the valid token stays within its cache TTL.
  for (let i = 0; i < FLOOD; i += 1) {
    clock += 2;
    assert.equal(await store.authenticate(randomToken()), null);
  }
  const spent = ch.count - before;
  assert.ok(spent <= 300, `${spent} token-store queries for ${FLOOD} random tokens`);
  const afterFlood = ch.count;
  assert.equal((await store.authenticate(token))?.name, 'gw-flood');
  assert.equal(ch.count, afterFlood, 'the valid token was re-read: the flood evicted it');
});

test('failed authentications from one client IP are rate-limited before the token store is asked', async () => {
  const attacker = '203.0.113.9';
  const recent = { authorization: `Bearer ${h.tokenOf('analyst')}` };
  assert.equal((await h.app.inject({ url: '/v1/me', remoteAddress: attacker, headers: recent })).statusCode, 200);
  const original = h.deps.tokens.authenticate;
  let asked = 0;
  h.deps.tokens.authenticate = (token) => {
    asked += 1;
    return original(token);
  };
  const statuses = new Map<number, number>();
  let firstLimited = -1;
  for (let i = 0; i < FLOOD; i += 1) {
    const r = await h.app.inject({
      url: '/v1/me',
      remoteAddress: attacker,
      headers: { authorization: `Bearer ${randomToken()}` },
    });
    statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    if (r.statusCode === 429 && firstLimited < 0) firstLimited = i;
  }
  assert.equal(statuses.get(401), AUTH_FAILURES_PER_MIN);
  assert.equal(statuses.get(429), FLOOD - AUTH_FAILURES_PER_MIN);
  assert.equal(firstLimited, AUTH_FAILURES_PER_MIN);
  assert.equal(asked, AUTH_FAILURES_PER_MIN, 'rate-limited requests still reached the token store');

  // A token this API verified moments ago still works from the limited address (a client behind the same NAT).
  assert.equal((await h.app.inject({ url: '/v1/me', remoteAddress: attacker, headers: recent })).statusCode, 200);
  const { token: unseen } = await h.deps.tokens.create({ name: 'late', role: 'analyst' });
  const valid = { authorization: `Bearer ${unseen}` };
  const blocked = await h.app.inject({ url: '/v1/me', remoteAddress: attacker, headers: valid });
  assert.equal(blocked.statusCode, 429, 'a token not verified recently was looked up for a limited address');
  assert.equal(blocked.json().error.code, 'DG_ERR_RATE_LIMITED');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  assert.equal(asked, AUTH_FAILURES_PER_MIN);
  h.deps.tokens.authenticate = original;
  assert.equal((await h.app.inject({ url: '/v1/me', remoteAddress: '198.51.100.7', headers: valid })).statusCode, 200);
  clock += 60_000;
  const unseenAgain = (await h.deps.tokens.create({ name: 'later', role: 'analyst' })).token;
  const later = await h.app.inject({
    url: '/v1/me',
    remoteAddress: attacker,
    headers: { authorization: `Bearer ${unseenAgain}` },
  });
  assert.equal(later.statusCode, 200, 'the address stays limited after its minute');
});
