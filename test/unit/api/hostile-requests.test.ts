/** Auth bypass attempts, path traversal, method override, oversized bodies and query strings: refused, never a 5xx. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/api/app.ts';
import { bearer, fakeDeps, testApiConfig } from './fake-deps.ts';

const BODY_LIMIT = 2_048;
let app: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];

before(async () => {
  const made = fakeDeps({
    config: testApiConfig({ DG_API_BODY_LIMIT_BYTES: `${BODY_LIMIT}` }),
  });
  tokens = made.tokens;
  app = await buildApp(made.deps);
});
after(() => app.close());

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

test('malformed Authorization headers are 401 on an admin route', async () => {
  const admin = tokens.token('admin');
  const secret = admin.slice(admin.lastIndexOf('_') + 1);
  const headers = [
    'Bearer',
    'Bearer ',
    'Bearer    ',
    `Bearer${admin}`,
    `Basic ${Buffer.from(`admin:${admin}`).toString('base64')}`,
    `Token ${admin}`,
    `Digest ${admin}`,
    `${admin}`,
    `Bearer ${admin} ${admin}`,
    `Bearer "${admin}"`,
    `Bearer ${admin.toUpperCase()}`,
    `Bearer ${admin.slice(0, -1)}`,
    `Bearer ${admin}x`,
    `Bearer ${secret}`,
    `Bearer ${'a'.repeat(12_000)}`,
    `Bearer dg_${'0'.repeat(16)}_${'x'.repeat(12_000)}`,
    'Bearer %00',
    `Bearer ${admin},Bearer ${admin}`,
  ];
  for (const authorization of headers) {
    const r = await get('/v1/tokens', { authorization });
    assert.equal(r.statusCode, 401, `${authorization.slice(0, 40)} → ${r.statusCode}`);
    assert.equal(r.json().error.code, 'DG_ERR_UNAUTHORIZED');
  }
  assert.equal(
    (await get('/v1/tokens', { authorization: `bearer   ${admin} ` })).statusCode,
    200,
    'scheme is case-free',
  );
});

test('a revoked token is 401 even though its id and secret are well formed', async () => {
  const analyst = tokens.token('analyst');
  tokens.revokedIds.add(analyst.slice(3, 19));
  try {
    assert.equal((await get('/v1/me', bearer(analyst))).statusCode, 401);
  } finally {
    tokens.revokedIds.clear();
  }
  assert.equal((await get('/v1/me', bearer(analyst))).statusCode, 200);
});

test('headers that name a role, user or another token do not change who the caller is', async () => {
  const spoofs = {
    'x-role': 'admin',
    'x-user': 'admin-test',
    'x-forwarded-user': 'admin-test',
    'x-principal': '{"role":"admin"}',
    'x-api-key': tokens.token('admin'),
    cookie: `token=${tokens.token('admin')}`,
    'x-forwarded-for': '127.0.0.1',
  };
  assert.equal((await get('/v1/tokens', spoofs)).statusCode, 401);
  const analyst = await get('/v1/tokens', { ...spoofs, ...bearer(tokens.token('analyst')) });
  assert.equal(analyst.statusCode, 403);
  const me = await get('/v1/me', { ...spoofs, ...bearer(tokens.token('analyst')) });
  assert.equal(me.json().role, 'analyst');
});

test('a token in the query string is not a credential', async () => {
  const admin = tokens.token('admin');
  for (const q of [`access_token=${admin}`, `token=${admin}`, `authorization=Bearer%20${admin}`])
    assert.equal((await get(`/v1/tokens?${q}`)).statusCode, 401, q);
});

test('method override headers are ignored: the request is routed and authorized by its real method', async () => {
  const override = (method: string) => ({
    'x-http-method-override': method,
    'x-http-method': method,
    'x-method-override': method,
  });
  const listed = await get('/v1/tokens', { ...bearer(tokens.token('admin')), ...override('POST') });
  assert.equal(listed.statusCode, 200, 'a GET stays a GET (the fake store would fail a create)');
  assert.deepEqual(listed.json(), { tokens: [] });
  const asGateway = await app.inject({
    method: 'POST',
    url: '/v1/alerts/a1/resolve',
    headers: { ...bearer(tokens.token('gateway')), ...override('GET') },
    payload: { label: 'false_positive' },
  });
  assert.equal(asGateway.statusCode, 403);
  const query = await app.inject({ method: 'POST', url: '/v1/tokens?_method=GET', payload: {} });
  assert.equal(query.statusCode, 401);
});

test('path tricks never reach a secured route without a token, and never serve files outside the UI', async () => {
  for (const url of ['/docs/../v1/tokens', '/docs/..%2fv1%2ftokens', '/ui/../v1/tokens', '/healthz/../v1/tokens']) {
    const r = await get(url);
    assert.ok([401, 404].includes(r.statusCode), `${url} → ${r.statusCode}`);
    assert.doesNotMatch(r.body, /"tokens"/);
  }
  for (const url of ['/V1/TOKENS', '/v1//tokens', '/v1/tokens/', '//v1/tokens', '/v1/tokens;x', '/v1/tokens%2f'])
    assert.ok([401, 404].includes((await get(url)).statusCode), url);
  const traversals = [
    '/ui/..%2f..%2fpackage.json',
    '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
    '/ui/%252e%252e%252fpackage.json',
    '/ui/..\\..\\package.json',
    '/ui/..%5c..%5cpackage.json',
    '/ui/%2fetc%2fpasswd',
    '/ui//etc/passwd',
    '/ui/index.html%00.js',
    '/ui/./index.html/../../../package.json',
    `/ui/${'../'.repeat(50)}etc/passwd`,
  ];
  for (const url of traversals) {
    const r = await get(url);
    assert.ok([400, 404].includes(r.statusCode), `${url} → ${r.statusCode}`);
    assert.doesNotMatch(r.body, /"dependencies"|root:/, url);
  }
});

test('an oversized body is a 413 naming the limit, on every route that takes a body; without a token it is a 401', async () => {
  const routes: Array<['POST' | 'PATCH', string]> = [
    ['POST', '/v1/alerts/a1/resolve'],
    ['POST', '/v1/suppressions'],
    ['PATCH', '/v1/suppressions/s1'],
    ['POST', '/v1/tokens'],
    ['POST', '/v1/keys/k1/actions'],
  ];
  const payload = JSON.stringify({ note: 'x'.repeat(BODY_LIMIT) });
  for (const [method, url] of routes) {
    const headers = { 'content-type': 'application/json' };
    const r = await app.inject({ method, url, payload, headers: { ...headers, ...bearer(tokens.token('admin')) } });
    assert.equal(r.statusCode, 413, `${method} ${url}`);
    assert.deepEqual(r.json().error, {
      code: 'DG_ERR_BODY_TOO_LARGE',
      message: `request body exceeds the limit of ${BODY_LIMIT} bytes (DG_API_BODY_LIMIT_BYTES)`,
    });
    assert.equal((await app.inject({ method, url, payload, headers })).statusCode, 401, 'auth runs before parsing');
  }
});

test('a body whose content-length lies, or that is not JSON, is a 4xx', async () => {
  const headers = { ...bearer(tokens.token('admin')), 'content-type': 'application/json' };
  const short = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    payload: '{"name":"a","role":"admin"}',
    headers: { ...headers, 'content-length': '5' },
  });
  assert.equal(short.statusCode, 400);
  const deep = await app.inject({ method: 'POST', url: '/v1/tokens', payload: `${'['.repeat(1_000)}`, headers });
  assert.equal(deep.statusCode, 400);
  const xml = await app.inject({
    method: 'POST',
    url: '/v1/tokens',
    payload: '<token/>',
    headers: { ...headers, 'content-type': 'application/xml' },
  });
  assert.equal(xml.statusCode, 415);
  assert.equal(xml.json().error.code, 'DG_ERR_UNSUPPORTED_MEDIA_TYPE');
});

test('huge and repeated query parameters are 400s naming the parameter, never 5xx', async () => {
  const analyst = bearer(tokens.token('analyst'));
  const cases: Array<[string, RegExp]> = [
    [`/v1/alerts?key=${'k'.repeat(10_000)}`, /query\.key: Too big/],
    [`/v1/alerts?limit=1&limit=2`, /query\.limit/],
    [`/v1/alerts?${'severity=high&'.repeat(1_000)}`, /query\.severity/],
    [`/v1/alerts?cursor=${'%ff'.repeat(1_000)}`, /query\.cursor: Too big/],
    [`/v1/alerts?from=${'9'.repeat(5_000)}`, /query\.from/],
  ];
  for (const [url, pattern] of cases) {
    const r = await get(url, analyst);
    assert.equal(r.statusCode, 400, `${url.slice(0, 60)}: ${r.body.slice(0, 200)}`);
    assert.match(r.json().error.message, pattern);
  }
  const many = await get(`/v1/alerts?${Array.from({ length: 2_000 }, (_, i) => `p${i}=1`).join('&')}`, analyst);
  assert.equal(many.statusCode, 200, 'unknown parameters are ignored');
});

test('a limit beyond its ClickHouse column (rpm is UInt32) is a 400, never stored to wrap around to 0', async () => {
  const headers = { ...bearer(tokens.token('admin')), 'content-type': 'application/json' };
  const post = (rpm: number) =>
    app.inject({
      method: 'POST',
      url: '/v1/keys/k1/actions',
      payload: JSON.stringify({ action: { type: 'rate_limit', rpm, duration: '1h' }, reason: 'hostile limit' }),
      headers,
    });
  for (const rpm of [2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    const r = await post(rpm);
    assert.equal(r.statusCode, 400, `rpm ${rpm} → ${r.statusCode}`);
    assert.equal(r.json().error.code, 'DG_ERR_BAD_INPUT');
  }
  assert.notEqual((await post(2 ** 32 - 1)).statusCode, 400, 'the largest rpm the column holds passes validation');
});
