import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createActionsService } from '../../../services/actions/actions-service.ts';
import { buildApp } from '../../../services/api/app.ts';
import type { Role } from '../../../services/auth/principal.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { bearer, fakeDeps } from '../api/fake-deps.ts';
import { alert, MemoryAudit, MemoryTopic, testPolicy } from './fixtures.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
let app: FastifyInstance;
let bare: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];
const service = createActionsService({
  policy: testPolicy(),
  breaker: { maxPerWindow: 1, maxPerOrgPerWindow: 10, windowMs: 3_600_000 },
  audit: new MemoryAudit(),
  topic: new MemoryTopic(),
  recommend: async (api_key_id, range) => ({
    api_key_id,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    active_minutes: 0,
    requests_per_minute: null,
    tokens_per_minute: null,
    suggested: null,
    throttle: null,
  }),
  sweepIntervalMs: 60_000,
  logger: silentLogger,
  clock: () => NOW,
});

before(async () => {
  await service.start();
  const made = fakeDeps({ actions: service, now: () => NOW });
  tokens = made.tokens;
  app = await buildApp(made.deps);
  bare = await buildApp(fakeDeps().deps);
});
after(async () => {
  await app.close();
  await bare.close();
  await service.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, role: Role | null, payload?: object) {
  const headers = role ? bearer(tokens.token(role)) : {};
  const r = await app.inject({ method, url, headers, ...(payload && { payload }) });
  return { status: r.statusCode, body: r.json() };
}

describe('decision route', () => {
  it('answers gateways and admins, 401 without a token, 403 for other roles', async () => {
    assert.deepEqual(await call('GET', '/v1/keys/k-free/decision', 'gateway'), {
      status: 200,
      body: { api_key_id: 'k-free', decision: 'allow' },
    });
    assert.equal((await call('GET', '/v1/keys/k-free/decision', 'admin')).status, 200);
    assert.equal((await call('GET', '/v1/keys/k-free/decision', null)).status, 401);
    const forbidden = await call('GET', '/v1/keys/k-free/decision', 'analyst');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'DG_ERR_FORBIDDEN');
  });

  it('answers 503 with a code when the process runs without the actions service', async () => {
    const r = await bare.inject({ url: '/v1/keys/k/decision', headers: bearer(tokens.token('gateway')) });
    assert.equal(r.statusCode, 503);
    assert.equal(r.json().error.code, 'DG_ERR_UNAVAILABLE');
  });
});

describe('manual actions', () => {
  it('an analyst applies a rate limit; the gateway sees it; the key page lists it; a lift removes it', async () => {
    const applied = await call('POST', '/v1/keys/k-man/actions', 'analyst', {
      action: 'rate_limit',
      rpm: 5,
      duration: '2h',
      reason: 'probing',
    });
    assert.equal(applied.status, 201);
    assert.equal(applied.body.actor, 'analyst-test');
    assert.equal(applied.body.expires_at_ms, NOW + 7_200_000);
    const decision = await call('GET', '/v1/keys/k-man/decision', 'gateway');
    assert.deepEqual([decision.body.decision, decision.body.limits], ['limit', { rpm: 5 }]);
    const page = await call('GET', '/v1/keys/k-man/actions', 'investigator');
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.active.map((a: { action_id: string }) => a.action_id),
      [applied.body.action_id],
    );
    assert.equal(page.body.decision.decision, 'limit');
    const lifted = await call('DELETE', '/v1/keys/k-man/actions?reason=resolved%20with%20customer', 'analyst');
    assert.equal(lifted.status, 200);
    assert.deepEqual(
      lifted.body.lifted.map((l: { target_action_id: string; reason: string }) => [l.target_action_id, l.reason]),
      [[applied.body.action_id, 'resolved with customer']],
    );
    assert.equal((await call('GET', '/v1/keys/k-man/decision', 'gateway')).body.decision, 'allow');
  });

  it("takes the policy file's action shape, flags the bare type as deprecated, and replays an idempotency key", async () => {
    const headers = { ...bearer(tokens.token('analyst')), 'idempotency-key': 'retry-1' };
    const payload = { action: { type: 'rate_limit', rpm: 7, duration: '1h' }, reason: 'policy shape' };
    const first = await app.inject({ method: 'POST', url: '/v1/keys/k-shape/actions', headers, payload });
    const retry = await app.inject({ method: 'POST', url: '/v1/keys/k-shape/actions', headers, payload });
    assert.equal(first.statusCode, 201);
    assert.equal(first.headers.deprecation, undefined);
    assert.deepEqual([first.json().action, first.json().rpm], ['rate_limit', 7]);
    assert.equal(retry.json().action_id, first.json().action_id);
    const legacy = await app.inject({
      method: 'POST',
      url: '/v1/keys/k-legacy/actions',
      headers: bearer(tokens.token('analyst')),
      payload: { action: 'suspend', duration: '1h', reason: 'old client' },
    });
    assert.equal(legacy.statusCode, 201);
    assert.equal(legacy.headers.deprecation, 'true');
    const missing = await call('POST', '/v1/keys/k/actions', 'analyst', { action: 'suspend', reason: 'x' });
    assert.match(missing.body.error.message, /body\.duration: required with a bare action type/);
    const tooLong = await app.inject({
      method: 'POST',
      url: '/v1/keys/k/actions',
      headers: { ...bearer(tokens.token('analyst')), 'idempotency-key': 'x'.repeat(201) },
      payload,
    });
    assert.match(tooLong.json().error.message, /headers\.idempotency-key/);
  });

  it('rejects malformed input with a 400 naming the field, and wrong roles with 403', async () => {
    const badDuration = await call('POST', '/v1/keys/k/actions', 'analyst', {
      action: 'suspend',
      duration: '2 hours',
      reason: 'x',
    });
    assert.equal(badDuration.status, 400);
    assert.match(badDuration.body.error.message, /body\.duration: must look like 90s, 15m, 6h or 7d/);
    const noLimits = await call('POST', '/v1/keys/k/actions', 'analyst', {
      action: 'rate_limit',
      duration: '1h',
      reason: 'x',
    });
    assert.equal(noLimits.status, 400);
    assert.match(noLimits.body.error.message, /rate_limit needs rpm or tpm/);
    const unknownAction = await call('POST', '/v1/keys/k/actions', 'analyst', {
      action: 'ban',
      duration: '1h',
      reason: 'x',
    });
    assert.match(unknownAction.body.error.message, /body\.action/);
    const noReason = await call('DELETE', '/v1/keys/k/actions', 'analyst');
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.error.message, /query\.reason/);
    assert.equal(
      (await call('POST', '/v1/keys/k/actions', 'investigator', { action: 'suspend', duration: '1h', reason: 'x' }))
        .status,
      403,
    );
    assert.equal((await call('DELETE', '/v1/keys/k/actions?reason=x', 'gateway')).status, 403);
  });
});

describe('throttle routes', () => {
  it('apply-recommendation and cluster throttle answer actions and skipped keys; input and roles are checked', async () => {
    const one = await call('POST', '/v1/keys/k-new/actions/apply-recommendation', 'analyst', { reason: 'case 1' });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, {
      actions: [],
      skipped: [{ api_key_id: 'k-new', reason: 'no usage history to derive a throttle from' }],
    });
    const many = await call('POST', '/v1/actions/throttle', 'analyst', {
      api_key_ids: ['m1', 'm2'],
      reason: 'hydra',
      duration: '1h',
      source_id: 'case-9',
    });
    assert.deepEqual(
      many.body.skipped.map((k: { api_key_id: string }) => k.api_key_id),
      ['m1', 'm2'],
    );
    const none = await call('POST', '/v1/actions/throttle', 'analyst', { api_key_ids: [], reason: 'x' });
    assert.equal(none.status, 400);
    assert.match(none.body.error.message, /body\.api_key_ids/);
    const badDuration = await call('POST', '/v1/actions/throttle', 'analyst', {
      api_key_ids: ['m1'],
      reason: 'x',
      duration: 'soon',
    });
    assert.match(badDuration.body.error.message, /body\.duration: must look like/);
    assert.equal(
      (await call('POST', '/v1/actions/throttle', 'investigator', { api_key_ids: ['m1'], reason: 'x' })).status,
      403,
    );
  });
});

describe('log, breaker and recommendations', () => {
  it('shows the breaker open after its one allowed automatic action', async () => {
    const raised_at = new Date(NOW).toISOString();
    await service.handleAlert(alert({ alert_id: 'r-1', api_key_ids: ['k-auto-1'], raised_at }));
    await service.handleAlert(alert({ alert_id: 'r-2', api_key_ids: ['k-auto-2'], raised_at }));
    const breaker = await call('GET', '/v1/actions/breaker', 'analyst');
    assert.equal(breaker.status, 200);
    assert.equal(breaker.body.open, true);
    assert.deepEqual(breaker.body.overall, { count: 1, limit: 1, tripped: true });
    assert.equal(breaker.body.recommendations_while_open, 1);
    assert.equal((await call('GET', '/v1/actions/breaker', 'gateway')).status, 403);
  });

  it('lists the action log and validates its filters', async () => {
    const log = await call('GET', '/v1/actions?limit=2', 'investigator');
    assert.equal(log.status, 200);
    assert.ok(log.body.actions.length > 0);
    assert.match((await call('GET', '/v1/actions?mode=shadow', 'analyst')).body.error.message, /query\.mode/);
    assert.match((await call('GET', '/v1/actions?limit=0', 'analyst')).body.error.message, /query\.limit/);
    const backwards = await call('GET', '/v1/actions?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'analyst');
    assert.equal(backwards.status, 400);
  });

  it('recommended limits default to the last 7 days and reject bad times', async () => {
    const r = await call('GET', '/v1/keys/k/recommended-limits', 'analyst');
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.from, r.body.to], ['2026-02-22T12:00:00.000Z', '2026-03-01T12:00:00.000Z']);
    const bad = await call('GET', '/v1/keys/k/recommended-limits?from=yesterday', 'analyst');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /query\.from/);
  });
});
