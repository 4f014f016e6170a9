import { z } from 'zod';
import { principalSchema, roleSchema } from '../../auth/principal.ts';
import { tokenRecordSchema } from '../../auth/token-store.ts';
import { errors } from '../../common/errors.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses, noContent } from '../route-docs.ts';
import { routesOf } from '../typed-routes.ts';

/** Token administration: admin only (admin passes every role check). */
const admin = [] as const;

/** Token administration (admin only); the CLI `distillguard token` does the same without a running API. */
const tokenRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['tokens']);
  route.get(
    '/v1/me',
    {
      summary: 'The caller: token id, name and role (the UI shows it after sign-in)',
      roles: ['analyst', 'investigator', 'gateway'],
      response: { 200: principalSchema },
    },
    async (request) => principalOf(request),
  );

  route.get(
    '/v1/tokens',
    {
      summary: 'List tokens (never their values)',
      roles: admin,
      response: { 200: z.object({ tokens: z.array(tokenRecordSchema) }) },
    },
    async () => ({ tokens: await deps.tokens.list() }),
  );

  route.post(
    '/v1/tokens',
    {
      summary: 'Create a token; its value is in this response only',
      roles: admin,
      body: z.object({ name: z.string().min(1).max(128), role: roleSchema }),
      response: { 201: z.object({ token: z.string(), record: tokenRecordSchema }) },
    },
    async (request, reply) => reply.code(201).send(await deps.tokens.create(request.body)),
  );

  route.delete(
    '/v1/tokens/:id',
    {
      summary: 'Revoke a token (effective within the token cache TTL)',
      roles: admin,
      params: z.object({ id: z.string().regex(/^[a-f0-9]{16}$/, 'a token id') }),
      response: { 204: noContent, ...errorResponses(404) },
    },
    async (request, reply) => {
      if (!(await deps.tokens.revoke(request.params.id))) throw errors.notFound(`token ${request.params.id}`);
      return reply.code(204).send();
    },
  );
};
export default tokenRoutes;
