import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { buildApp } from '../../../services/api/app.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { bearer, fakeDeps, testApiConfig } from './fake-deps.ts';

/** The gateway decision route over an actions service answering `decision`, and the app's log lines. */
async function decisionRoute(decision: Record<string, unknown>, validate: boolean) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { deps, tokens } = fakeDeps({
    config: testApiConfig({ DG_API_VALIDATE_RESPONSES: validate ? '1' : '0' }),
    logger: createLogger({ destination }),
    actions: { decision: () => decision } as unknown as ActionsService,
  });
  const app = await buildApp(deps);
  const response = await app.inject({ url: '/v1/keys/k1/decision', headers: bearer(tokens.token('gateway')) });
  await app.close();
  return { response, log: lines.join('') };
}

test('a response its schema refuses is a 500 whose log line names the route, the status and the field', async () => {
  const { response, log } = await decisionRoute({ decision: 'maybe' }, true);
  assert.equal(response.statusCode, 500);
  assert.deepEqual(response.json(), { error: { code: 'DG_ERR_INTERNAL', message: 'internal error' } });
  assert.match(log, /response GET \/v1\/keys\/:id\/decision 200 does not match its schema: response\.decision: /);
});

test('a response field the schema does not declare is a 500 naming the field', async () => {
  const { response, log } = await decisionRoute({ decision: 'allow', internal_note: 'x' }, true);
  assert.equal(response.statusCode, 500);
  assert.match(
    log,
    /GET \/v1\/keys\/:id\/decision 200 has fields its schema does not declare: response\.internal_note/,
  );
});

test('a matching response is sent as the handler returned it, with or without validation', async () => {
  const decision = { decision: 'limit', limits: { rpm: 5 }, reason: 'manual' };
  const checked = await decisionRoute(decision, true);
  const unchecked = await decisionRoute(decision, false);
  assert.equal(checked.response.statusCode, 200);
  assert.equal(checked.response.body, unchecked.response.body);
  assert.deepEqual(checked.response.json(), { api_key_id: 'k1', ...decision });
});

test('without DG_API_VALIDATE_RESPONSES (production) responses are not checked', async () => {
  const { response } = await decisionRoute({ decision: 'maybe' }, false);
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().decision, 'maybe');
});
