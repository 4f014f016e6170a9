import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/api/app.ts';
import type { Role } from '../../../services/auth/principal.ts';
import { bearer, fakeDeps, testApiConfig } from './fake-deps.ts';
import { servedRoutes } from './route-table.ts';

const ROLES: Role[] = ['analyst', 'investigator', 'gateway', 'admin'];
const PATH_VALUES: Record<string, string> = { id: 'x1', key: 'k1', org: 'o1' };
/** Routes that need no token: probes, the API document, Swagger UI and the UI shell (they serve no data). */
const isPublic = (url: string) =>
  ['/healthz', '/readyz', '/openapi.json'].includes(url) || /^\/(docs|ui)(\/|$)/.test(url);

interface Operation {
  method: string;
  /** The registered path (`/v1/alerts/:id`), and one a request can take (`/v1/alerts/x1`). */
  route: string;
  url: string;
  /** The roles the OpenAPI document gives it; undefined when the document does not list it. */
  roles: Role[] | undefined;
}

let app: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];
/** Every route fastify serves, from its own route table, except the public ones. */
let operations: Operation[];
let documented: Map<string, Role[] | null>;

before(async () => {
  // Hundreds of deliberate 401s from one address; the failed-authentication limit has its own test (auth-flood).
  const made = fakeDeps({ config: testApiConfig({ DG_API_AUTH_FAILURES_PER_MIN: '1000000' }) });
  tokens = made.tokens;
  app = await buildApp(made.deps);
  const doc = app.swagger() as { paths: Record<string, Record<string, { 'x-roles'?: Role[] }>> };
  documented = new Map(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [
        `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        op['x-roles'] ?? null,
      ]),
    ),
  );
  operations = servedRoutes(app)
    .filter((r) => !isPublic(r.url))
    .map(({ method, url }) => ({
      method,
      route: url,
      url: url.replace(/:(\w+)/g, (_, name: string) => PATH_VALUES[name] ?? 'v').replace(/\*/g, 'x'),
      roles: documented.get(`${method === 'HEAD' ? 'GET' : method} ${url}`) ?? undefined,
    }));
});
after(() => app.close());

const call = (op: Operation, headers: Record<string, string> = {}) =>
  app.inject({
    method: op.method as 'GET',
    url: op.url,
    headers,
    ...(['GET', 'HEAD'].includes(op.method) ? {} : { payload: {} }),
  });

test('every route fastify serves is public by name or documented with its roles, and every documented one is served', () => {
  assert.ok(operations.length >= 30, `only ${operations.length} protected routes served`);
  const undocumented = operations.filter((o) => o.roles === undefined).map((o) => `${o.method} ${o.route}`);
  assert.deepEqual(undocumented, [], 'routes served without roles in the OpenAPI document');
  const served = new Set(servedRoutes(app).map((r) => `${r.method} ${r.url}`));
  const missing = [...documented.keys()].filter((op) => !served.has(op));
  assert.deepEqual(missing, [], 'documented operations fastify does not serve');
  const publicDocumented = [...documented].filter(([, roles]) => roles === null).map(([op]) => op);
  assert.deepEqual(publicDocumented.sort(), ['GET /healthz', 'GET /readyz']);
});

test('every non-public route answers 401 without a token, with an unknown token and with a revoked one', async () => {
  tokens.revokedIds.add('0'.repeat(16));
  for (const op of operations) {
    for (const headers of [
      {},
      bearer(`dg_${'f'.repeat(16)}_${'y'.repeat(43)}`),
      bearer('not-a-token'),
      bearer(tokens.token('analyst')),
    ]) {
      const r = await call(op, headers);
      assert.equal(r.statusCode, 401, `${op.method} ${op.url} ${JSON.stringify(headers)} → ${r.statusCode}`);
      if (op.method !== 'HEAD') assert.equal(r.json().error.code, 'DG_ERR_UNAUTHORIZED');
    }
  }
  tokens.revokedIds.clear();
});

test('a role not allowed gets 403; an allowed role is never 401/403 and never 500', async () => {
  for (const op of operations.filter((o) => o.roles && o.method !== 'HEAD')) {
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
