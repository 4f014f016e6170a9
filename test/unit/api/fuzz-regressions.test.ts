/** Requests schemathesis (make fuzz-api) found answered with a 5xx, an undocumented status or a foreign body shape. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/api/app.ts';
import { bearer, fakeDeps } from './fake-deps.ts';

let app: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];
let clickhouse: ReturnType<typeof fakeDeps>['clickhouse'];

before(async () => {
  const made = fakeDeps();
  tokens = made.tokens;
  clickhouse = made.clickhouse;
  app = await buildApp(made.deps);
});
after(() => app.close());

const as = (role: 'analyst' | 'admin') => bearer(tokens.token(role));

test('PATCH of a suppression with an expiry before 1970 is a 400, not a failed ClickHouse insert (503)', async () => {
  const before = clickhouse.queries.length;
  for (const expires_at of ['0020-02-29T00:00:00Z', '1969-12-31T23:59:59Z', '2026-02-01T00:00:00Z']) {
    const r = await app.inject({
      method: 'PATCH',
      url: '/v1/suppressions/s1',
      headers: as('analyst'),
      payload: { reason: 'r', expires_at },
    });
    assert.equal(r.statusCode, 400, `${expires_at}: ${r.body}`);
    assert.deepEqual(r.json().error, {
      code: 'DG_ERR_BAD_INPUT',
      message: 'bad input: expires_at must be in the future',
    });
  }
  assert.equal(clickhouse.queries.length, before, 'rejected before reading or writing');
});

test('a path parameter longer than the router default (100) gets the route schema 400, not a 414', async () => {
  const r = await app.inject({ url: `/v1/alerts/${'a'.repeat(129)}`, headers: as('analyst') });
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error.message, /params\.id: Too big/);
  const fits = await app.inject({ url: `/v1/alerts/${'a'.repeat(128)}`, headers: as('analyst') });
  assert.equal(fits.statusCode, 404, 'a 128-character id is valid input');
});

test('a path that is not valid percent-encoding is a 400 in the API error shape', async () => {
  const r = await app.inject({ url: '/v1/alerts/%E0%A4%A', headers: as('analyst') });
  assert.equal(r.statusCode, 400);
  assert.deepEqual(Object.keys(r.json()), ['error']);
  assert.equal(r.json().error.code, 'DG_ERR_BAD_INPUT');
  assert.match(r.json().error.message, /not a valid url component/);
});

test('the OpenAPI document gives each operation its success status and every error status it answers', () => {
  const doc = app.swagger() as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  const statuses = (path: string, method: string) => Object.keys(doc.paths[path]![method]!.responses).sort();
  assert.deepEqual(statuses('/v1/suppressions', 'post'), ['201', '400', '401', '403', '413', '415', '429', '431']);
  assert.deepEqual(statuses('/v1/tokens/{id}', 'delete'), ['204', '400', '401', '403', '404', '429', '431']);
  assert.deepEqual(statuses('/readyz', 'get'), ['200', '431', '503']);
  assert.deepEqual(statuses('/v1/keys/{id}/decision', 'get'), ['200', '400', '401', '403', '429', '431', '503']);
  const csv = doc.paths['/v1/investigate/export']!.get!.responses['200'] as { content: Record<string, unknown> };
  assert.deepEqual(Object.keys(csv.content).sort(), ['application/x-ndjson', 'text/csv']);
});
