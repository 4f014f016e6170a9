/** Requests only a real socket can send (node's HTTP parser runs before fastify): oversized, folded, duplicated. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../services/api/app.ts';
import { fakeDeps } from './fake-deps.ts';

let app: FastifyInstance;
let tokens: ReturnType<typeof fakeDeps>['tokens'];
let port: number;

before(async () => {
  const made = fakeDeps();
  tokens = made.tokens;
  app = await buildApp(made.deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
after(() => app.close());

/** Sends `head` (request line and headers, CRLF-separated, no final blank line) and returns status and body. */
function raw(head: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('error', fail);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      done({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

test('a request line over 16 KiB is a 431 in the API error shape', async () => {
  const r = await raw(`GET /v1/alerts?key=${'k'.repeat(20_000)} HTTP/1.1\r\nHost: x`);
  assert.equal(r.status, 431);
  assert.deepEqual(JSON.parse(r.body), {
    error: { code: 'DG_ERR_BAD_INPUT', message: 'request line and headers exceed the 16 KiB limit' },
  });
});

test('an Authorization header over 16 KiB is a 431, never a 5xx', async () => {
  const r = await raw(`GET /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(20_000)}`);
  assert.equal(r.status, 431);
});

test('header injection: folded, NUL-carrying or bare-LF headers are a 400 in the API error shape', async () => {
  const admin = tokens.token('admin');
  for (const header of [
    `Authorization: Bearer\r\n ${admin}`,
    `Authorization: Bearer ${admin}\u0000x`,
    `X-Role: admin\nAuthorization: Bearer ${admin}`,
  ]) {
    const r = await raw(`GET /v1/tokens HTTP/1.1\r\nHost: x\r\n${header}`);
    assert.equal(r.status, 400, JSON.stringify(header.slice(0, 30)));
    assert.equal(JSON.parse(r.body).error.code, 'DG_ERR_BAD_INPUT');
  }
});

test('a second Authorization header does not replace the first (no privilege from duplicates)', async () => {
  const r = await raw(
    `GET /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.token('analyst')}\r\n` +
      `Authorization: Bearer ${tokens.token('admin')}`,
  );
  assert.equal(r.status, 403);
});
