import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { principalSchema, roleSchema } from '../../auth/principal.ts';
import { tokenRecordSchema } from '../../auth/token-store.ts';
import { errors } from '../../common/errors.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

const tags = ['tokens'];

/** Token administration (admin only); the CLI `distillguard token` does the same without a running API. */
export default async function tokenRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  route(app, {
    method: 'GET',
    url: '/v1/me',
    summary: 'The caller: token id, name and role (the UI shows it after sign-in)',
    tags,
    roles: ['analyst', 'investigator', 'gateway'],
    response: principalSchema,
    handler: async ({ request }) => principalOf(request),
  });

  route(app, {
    method: 'GET',
    url: '/v1/tokens',
    summary: 'List tokens (never their values)',
    tags,
    roles: [],
    response: z.object({ tokens: z.array(tokenRecordSchema) }),
    handler: async () => ({ tokens: await deps.tokens.list() }),
  });

  route(app, {
    method: 'POST',
    url: '/v1/tokens',
    summary: 'Create a token; its value is in this response only',
    tags,
    roles: [],
    body: z.object({ name: z.string().min(1).max(128), role: roleSchema }),
    status: 201,
    handler: async ({ body, reply }) => reply.code(201).send(await deps.tokens.create(body)),
  });

  route(app, {
    method: 'DELETE',
    url: '/v1/tokens/:id',
    summary: 'Revoke a token (effective within the token cache TTL)',
    tags,
    roles: [],
    params: z.object({ id: z.string().regex(/^[a-f0-9]{16}$/, 'a token id') }),
    status: 204,
    errors: [404],
    handler: async ({ params, reply }) => {
      if (!(await deps.tokens.revoke(params.id))) throw errors.notFound(`token ${params.id}`);
      return reply.code(204).send();
    },
  });
}
