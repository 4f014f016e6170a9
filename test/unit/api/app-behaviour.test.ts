import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { buildApp } from '../../../services/api/app.ts';
import type { AppDeps } from '../../../services/api/deps.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { bearer, fakeClickHouse, fakeDeps, testApiConfig } from './fake-deps.ts';

/** A logger at `level` whose lines are kept in `lines`. */
function capturedLogger(level: 'trace' | 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

test('malformed input is a 400 naming each bad field, never a 500', async () => {
  const { deps, tokens } = fakeDeps();
  const app = await buildApp(deps);
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['GET', '/v1/alerts?severity=urgent', undefined, /query\.severity/],
    ['GET', '/v1/alerts?limit=0', undefined, /query\.limit/],
    ['GET', '/v1/alerts?from=yesterday', undefined, /query\.from/],
    ['GET', '/v1/alerts?cursor=%%%', undefined, /cursor/],
    ['POST', '/v1/alerts/a1/resolve', { label: 'maybe' }, /body\.label/],
    ['POST', '/v1/alerts/a1/assign', {}, /body\.assignee/],
    [
      'POST',
      '/v1/suppressions',
      { scope: 'planet', value: '', reason: 'r', expires_at: 'soon' },
      /body\.scope.*body\.value.*body\.expires_at/,
    ],
    [
      'GET',
      '/v1/investigate/top-keys?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&feature=1',
      undefined,
      /query\.feature/,
    ],
    [
      'GET',
      '/v1/investigate/keys/k/timeline?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&features=nope',
      undefined,
      /query\.features/,
    ],
  ];
  for (const [method, url, payload, pattern] of cases) {
    const role = url.startsWith('/v1/investigate') ? 'investigator' : 'analyst';
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers: bearer(tokens.token(role)),
      ...(payload ? { payload: payload as object } : {}),
    });
    assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
    assert.equal(r.json().error.code, 'DG_ERR_BAD_INPUT');
    assert.match(r.json().error.message, pattern, url);
  }
  const notJson = await app.inject({
    method: 'POST',
    url: '/v1/alerts/a1/resolve',
    headers: { ...bearer(tokens.token('analyst')), 'content-type': 'application/json' },
    payload: '{"label": ',
  });
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.json().error.code, 'DG_ERR_BAD_INPUT');
  await app.close();
});

test('a body over the limit is a 413', async () => {
  const { deps, tokens } = fakeDeps({
    config: testApiConfig({ DG_API_BODY_LIMIT_BYTES: '2048' }),
  });
  const app = await buildApp(deps);
  const r = await app.inject({
    method: 'POST',
    url: '/v1/alerts/a1/resolve',
    headers: bearer(tokens.token('analyst')),
    payload: { label: 'true_positive', note: 'x'.repeat(4_000) },
  });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error.code, 'DG_ERR_BODY_TOO_LARGE');
  await app.close();
});

test('rate limits count per token: one token is limited, another is not', async () => {
  const { deps, tokens } = fakeDeps({ config: testApiConfig({ DG_API_RATE_LIMIT_PER_MIN: '3' }) });
  const app = await buildApp(deps);
  const codes: number[] = [];
  for (let i = 0; i < 4; i++)
    codes.push((await app.inject({ url: '/v1/me', headers: bearer(tokens.token('analyst')) })).statusCode);
  assert.deepEqual(codes, [200, 200, 200, 429]);
  const limited = await app.inject({ url: '/v1/me', headers: bearer(tokens.token('analyst')) });
  assert.equal(limited.json().error.code, 'DG_ERR_RATE_LIMITED');
  assert.equal(limited.headers['retry-after'], '60');
  assert.equal(limited.headers['x-ratelimit-remaining'], '0');
  const gateway = await app.inject({ url: '/v1/me', headers: bearer(tokens.token('gateway')) });
  assert.equal(gateway.statusCode, 200);
  assert.equal(gateway.headers['x-ratelimit-limit'], '60', 'gateways get 20 times the budget');
  assert.equal(gateway.headers['x-ratelimit-remaining'], '59');
  assert.equal(gateway.headers['x-ratelimit-reset'], '60');
  assert.equal((await app.inject({ url: '/healthz' })).headers['x-ratelimit-limit'], undefined, 'public: no limit');
  assert.equal((await app.inject({ url: '/v1/me', headers: bearer(tokens.token('investigator')) })).statusCode, 200);
  await app.close();
});

test('an unexpected fault is a 500 without message detail or stack', async () => {
  const ch = fakeClickHouse(() => {
    throw new Error('secret internals at /srv/app.ts:12');
  });
  const { deps, tokens } = fakeDeps({ clickhouse: ch });
  const app = await buildApp(deps);
  const r = await app.inject({ url: '/v1/alerts', headers: bearer(tokens.token('analyst')) });
  assert.equal(r.statusCode, 500);
  assert.deepEqual(r.json(), { error: { code: 'DG_ERR_INTERNAL', message: 'internal error' } });
  await app.close();
});

test('token values never reach the log, even at trace level and on errors', async () => {
  const { logger, lines } = capturedLogger('trace');
  const { deps, tokens } = fakeDeps({ logger });
  const app = await buildApp(deps);
  const token = tokens.token('analyst');
  await app.inject({ url: '/v1/me', headers: bearer(token) });
  await app.inject({ url: '/v1/investigate/top-keys', headers: bearer(token) });
  await app.inject({ url: '/v1/alerts?severity=bad', headers: bearer(token) });
  const unknown = `dg_${'a'.repeat(16)}_${'b'.repeat(43)}`;
  await app.inject({ url: '/v1/alerts', headers: bearer(unknown) });
  await app.close();
  assert.ok(lines.length > 4, 'requests were logged');
  const secret = token.slice(token.lastIndexOf('_') + 1);
  assert.ok(
    lines.every((l) => !l.includes(secret) && !l.includes(unknown.slice(-43))),
    'a token reached the log',
  );
});

test('readiness reports each dependency: degraded for an optional one, 503 when ClickHouse is down', async () => {
  const { deps, clickhouse } = fakeDeps({
    readiness: [{ name: 'kafka', required: false, check: async () => Promise.reject(new Error('down')) }],
  });
  const app = await buildApp(deps);
  const degraded = await app.inject({ url: '/readyz' });
  assert.equal(degraded.statusCode, 200);
  assert.deepEqual(degraded.json(), {
    status: 'degraded',
    checks: { clickhouse: { ok: true, required: true }, kafka: { ok: false, required: false } },
    degraded: ['kafka'],
  });
  clickhouse.pingOk = false;
  const down = await app.inject({ url: '/readyz' });
  assert.equal(down.statusCode, 503);
  assert.equal(down.json().status, 'not_ready');
  assert.deepEqual(down.json().degraded, ['clickhouse', 'kafka']);
  await app.close();
});

test('metrics expose request latency by route template and accept gauges from other components', async () => {
  const { deps, tokens } = fakeDeps();
  deps.metrics.gauge('distillguard_consumer_lag', 'Messages behind', () => 42);
  const app = await buildApp(deps);
  await app.inject({ url: '/v1/alerts/abc', headers: bearer(tokens.token('analyst')) });
  await app.inject({ url: '/v1/nowhere/abc' });
  await app.inject({ url: '/v1/nowhere/def' });
  const text = (await app.inject({ url: '/metrics', headers: bearer(tokens.token('gateway')) })).body;
  assert.match(text, /^distillguard_http_requests_total\{method="GET",route="\/v1\/alerts\/:id",status="404"\} 1$/m);
  assert.match(text, /^distillguard_http_requests_total\{method="GET",route="unmatched",status="404"\} 2$/m);
  assert.match(
    text,
    /^distillguard_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="unmatched",status="404"\} 2$/m,
  );
  assert.match(
    text,
    /distillguard_http_request_duration_seconds_count\{method="GET",route="\/v1\/alerts\/:id",status="404"\} 1/,
  );
  assert.match(text, /^distillguard_consumer_lag 42$/m);
  assert.doesNotMatch(text, /abc/);
  await app.close();
});

test('the UI is served with a strict CSP and only its own files', async () => {
  const { deps } = fakeDeps();
  const app = await buildApp(deps);
  const index = await app.inject({ url: '/ui/' });
  assert.match(index.headers['content-security-policy'] as string, /script-src 'self'/);
  assert.match(index.body, /<script type="module" src="\/ui\/app\.js">/);
  for (const url of ['/ui/../../package.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/nope.js'])
    assert.equal((await app.inject({ url })).statusCode, 404, url);
  await app.close();
});

test('a resolution is kept and reported when lifting its actions fails', async () => {
  const row = {
    alert_id: 'a1',
    kind: 'key',
    api_key_ids: ['k1'],
    org_ids: ['o1'],
    score: 0.9,
    severity: 'high',
    category: 'bulk_distillation',
    raised_at_ms: '1772323200000',
    reasons: '[]',
    evidence_event_ids: [],
    escalates: '',
    status: 'open',
    assignee: '',
    label: '',
    note: '',
    suppressed: 0,
    updated_s: 1772323200,
    version: '1',
  };
  const ch = fakeClickHouse((q) => (q.includes('FROM `fake`.`alerts`') ? [row] : []));
  const failing = {
    onAlertResolved: async () => Promise.reject(new Error('Kafka unavailable')),
  } as unknown as NonNullable<Parameters<typeof fakeDeps>[0]>['actions'];
  const { deps, tokens } = fakeDeps({ clickhouse: ch, actions: failing });
  const app = await buildApp(deps);
  const r = await app.inject({
    method: 'POST',
    url: '/v1/alerts/a1/resolve',
    headers: bearer(tokens.token('analyst')),
    payload: { label: 'false_positive' },
  });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().alert.status, 'resolved');
  assert.match(r.json().lift_error, /not lifted: Kafka unavailable/);
  await app.close();
});

test('the gateway decision route writes no per-request log lines, but its failures are still logged', async () => {
  const { logger, lines } = capturedLogger('info');
  let fail = false;
  const actions = {
    decision: () => {
      if (fail) throw new Error('decision table broken');
      return { decision: 'allow' as const };
    },
  } as unknown as NonNullable<AppDeps['actions']>;
  const { deps, tokens } = fakeDeps({ logger, actions });
  const app = await buildApp(deps);
  const gateway = bearer(tokens.token('gateway'));
  assert.equal((await app.inject({ url: '/v1/keys/k1/decision', headers: gateway })).statusCode, 200);
  assert.equal((await app.inject({ url: '/v1/me', headers: gateway })).statusCode, 200);
  fail = true;
  assert.equal((await app.inject({ url: '/v1/keys/k2/decision', headers: gateway })).statusCode, 500);
  await app.close();
  assert.equal(lines.filter((l) => l.includes('/v1/keys/k1/decision')).length, 0, 'a decision is not logged');
  assert.ok(
    lines.some((l) => l.includes('/v1/me') && l.includes('incoming request')),
    'other routes still are',
  );
  assert.ok(
    lines.some((l) => l.includes('request failed') && l.includes('decision table broken')),
    'a 500 is',
  );
});
