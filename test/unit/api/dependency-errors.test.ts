import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installErrorHandler } from '../../../services/api/error-handler.ts';
import { errors } from '../../../services/common/errors.ts';

test("a dependency failure answers 503 naming the dependency, never the dependency's own error text", async () => {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/boom', async () => {
    throw errors.clickhouse('query: Code: 60, DB::Exception: Table dg_secret.alerts does not exist');
  });
  const res = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(res.statusCode, 503);
  const body = res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'DG_ERR_CLICKHOUSE');
  assert.doesNotMatch(body.error.message, /dg_secret|DB::Exception/);
  assert.match(body.error.message, /ClickHouse/);
  await app.close();
});
