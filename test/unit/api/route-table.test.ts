import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { servedRoutes } from './route-table.ts';

test("fastify's route table lists nested, parametric, wildcard and hidden routes with full paths", async () => {
  const app = Fastify();
  const ok = async () => 'ok';
  app.get('/v1/alerts', ok);
  app.get('/v1/alerts/:id', ok);
  app.post('/v1/alerts/:id/resolve', ok);
  app.delete('/v1/tokens/:id', ok);
  app.get('/v1/secret', { schema: { hide: true } }, ok);
  app.get('/ui/*', ok);
  await app.ready();
  const listed = servedRoutes(app)
    .filter((r) => r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.url}`)
    .sort();
  assert.deepEqual(listed, [
    'DELETE /v1/tokens/:id',
    'GET /ui/*',
    'GET /v1/alerts',
    'GET /v1/alerts/:id',
    'GET /v1/secret',
    'POST /v1/alerts/:id/resolve',
  ]);
  assert.ok(servedRoutes(app).some((r) => r.method === 'HEAD' && r.url === '/v1/alerts/:id'));
  await app.close();
});
