import { z } from 'zod';
import { principalSchema, roleSchema } from '../../auth/principal.ts';
import { tokenRecordSchema } from '../../auth/token-store.ts';
import { errors } from '../../common/errors.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses, noContent } from '../route-docs.ts';

const tags = ['tokens'];
/** Token administration: admin only (admin passes every role check). */
const admin = { roles: [] };

/** Token administration (admin only); the CLI `distillguard token` does the same without a running API. */
const tokenRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/v1/me',
    {
      schema: {
        summary: 'The caller: token id, name and role (the UI shows it after sign-in)',
        tags,
        response: { 200: principalSchema },
      },
      config: { roles: ['analyst', 'investigator', 'gateway'] },
    },
    async (request) => principalOf(request),
  );

  app.get(
    '/v1/tokens',
    {
      schema: {
        summary: 'List tokens (never their values)',
        tags,
        response: { 200: z.object({ tokens: z.array(tokenRecordSchema) }) },
      },
      config: admin,
    },
    async () => ({ tokens: await deps.tokens.list() }),
  );

  app.post(
    '/v1/tokens',
    {
      schema: {
        summary: 'Create a token; its value is in this response only',
        tags,
        body: z.object({ name: z.string().min(1).max(128), role: roleSchema }),
        response: { 201: z.object({ token: z.string(), record: tokenRecordSchema }) },
      },
      config: admin,
    },
    async (request, reply) => reply.code(201).send(await deps.tokens.create(request.body)),
  );

  app.delete(
    '/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke a token (effective within the token cache TTL)',
        tags,
        params: z.object({ id: z.string().regex(/^[a-f0-9]{16}$/, 'a token id') }),
        response: { 204: noContent, ...errorResponses(404) },
      },
      config: admin,
    },
    async (request, reply) => {
      if (!(await deps.tokens.revoke(request.params.id))) throw errors.notFound(`token ${request.params.id}`);
      return reply.code(204).send();
    },
  );
};
export default tokenRoutes;
