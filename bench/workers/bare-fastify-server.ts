// The gateway benchmark's yardstick: a minimal fastify server (no auth, rate limit, schemas, hooks or logging)
// whose `GET /v1/keys/:id/decision` answers the same JSON body as the real API for the fixture written at
// `--fixture-ms`; listens on loopback until SIGTERM.
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { emitResult } from '../lib/child.ts';
import { fixtureDecision } from '../lib/key-actions-fixture.ts';

const { values } = parseArgs({ options: { 'fixture-ms': { type: 'string' } } });
const fixtureMs = Number(values['fixture-ms']);

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/v1/keys/:id/decision', async (request) =>
  fixtureDecision(request.params.id, fixtureMs),
);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.once('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
emitResult({ port: typeof address === 'object' && address ? address.port : 0 });
