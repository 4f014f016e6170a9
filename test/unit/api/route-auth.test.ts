import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/api/app.ts';
import type { Role } from '../../../services/auth/roles.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { bearer, fakeDeps } from './fake-deps.ts';

const ROLES: Role[] = ['analyst', 'investigator', 'gateway', 'admin'];
const PATH_VALUES: Record<string, string> = { id: 'x1', key: 'k1', org: 'o1' };

interface Operation {
  method: string;
  url: string;
  roles: Role[] | null;
}

let app: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];
let operations: Operation[];

before(async () => {
  // Hundreds of deliberate 401s from one address; the failed-authentication limit has its own test (auth-flood).
  const made = fakeDeps({ config: loadConfig({ DG_LOG_LEVEL: 'silent', DG_API_AUTH_FAILURES_PER_MIN: '1000000' }) });
  tokens = made.tokens;
  app = await buildApp(made.deps);
  const doc = app.swagger() as { paths: Record<string, Record<string, { 'x-roles'?: Role[] }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      url: path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? 'v'),
      roles: op['x-roles'] ?? null,
    })),
  );
});
after(() => app.close());

const call = (op: Operation, headers: Record<string, string> = {}) =>
  app.inject({ method: op.method as 'GET', url: op.url, headers, ...(op.method === 'GET' ? {} : { payload: {} }) });

test('the OpenAPI document lists every route with its roles', () => {
  assert.ok(operations.length >= 30, `only ${operations.length} operations documented`);
  const publicOps = operations.filter((o) => o.roles === null).map((o) => o.url);
  assert.deepEqual(publicOps.sort(), ['/healthz', '/readyz']);
});

test('every non-public route answers 401 without a token, with an unknown token and with a revoked one', async () => {
  tokens.revokedIds.add('0'.repeat(16));
  for (const op of operations.filter((o) => o.roles)) {
    for (const headers of [
      {},
      bearer(`dg_${'f'.repeat(16)}_${'y'.repeat(43)}`),
      bearer('not-a-token'),
      bearer(tokens.token('analyst')),
    ]) {
      const r = await call(op, headers);
      assert.equal(r.statusCode, 401, `${op.method} ${op.url} ${JSON.stringify(headers)} → ${r.statusCode}`);
      assert.equal(r.json().error.code, 'DG_ERR_UNAUTHORIZED');
    }
  }
  tokens.revokedIds.clear();
});

test('a role not allowed gets 403; an allowed role is never 401/403 and never 500', async () => {
  for (const op of operations.filter((o) => o.roles)) {
    for (const role of ROLES) {
      const r = await call(op, bearer(tokens.token(role)));
      const allowed = op.roles!.includes(role);
      if (!allowed) {
        assert.equal(r.statusCode, 403, `${role} ${op.method} ${op.url} → ${r.statusCode}`);
        assert.equal(r.json().error.code, 'DG_ERR_FORBIDDEN');
      } else {
        assert.ok(![401, 403].includes(r.statusCode), `${role} ${op.method} ${op.url} → ${r.statusCode}`);
        assert.ok(
          r.statusCode < 500 || r.statusCode === 503,
          `${role} ${op.method} ${op.url} → ${r.statusCode} ${r.body}`,
        );
      }
    }
  }
});

test('admin passes every role check', () => {
  assert.ok(operations.filter((o) => o.roles).every((o) => o.roles!.includes('admin')));
});

test('health, readiness, docs, OpenAPI and the UI shell need no token', async () => {
  for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs', '/ui/', '/ui/app.js', '/ui/style.css']) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, 200, url);
  }
  assert.equal((await app.inject({ url: '/ui' })).statusCode, 302);
});
