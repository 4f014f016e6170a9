import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { suppressionSchema } from '../../alerts-store/suppression-rules.ts';
import { createSuppressionStore, suppressionInputSchema } from '../../alerts-store/suppression-store.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

const idParams = z.object({ id: z.string().min(1).max(128) });
const tags = ['suppressions'];

/** Allowlist rules (key, org or feature) with reason and expiry; every change audited in suppression_events. */
export default async function suppressionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const store = createSuppressionStore(deps.clickhouse, deps.now);

  route(app, {
    method: 'GET',
    url: '/v1/suppressions',
    summary: 'Suppression rules (active only unless all=true)',
    tags,
    roles: ['analyst', 'investigator'],
    query: z.object({ all: z.enum(['true', 'false']).default('false') }),
    response: z.object({ suppressions: z.array(suppressionSchema) }),
    handler: async ({ query }) => ({ suppressions: await store.list({ activeOnly: query.all === 'false' }) }),
  });

  route(app, {
    method: 'POST',
    url: '/v1/suppressions',
    summary: 'Create a suppression rule',
    tags,
    roles: ['analyst'],
    body: suppressionInputSchema,
    response: suppressionSchema,
    status: 201,
    handler: async ({ body, request, reply }) =>
      reply.code(201).send(await store.create(body, principalOf(request).name)),
  });

  route(app, {
    method: 'PATCH',
    url: '/v1/suppressions/:id',
    summary: 'Change the reason or expiry of a rule',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404],
    body: suppressionInputSchema
      .pick({ reason: true, expires_at: true })
      .partial()
      .refine((b) => b.reason !== undefined || b.expires_at !== undefined, 'give reason or expires_at'),
    response: suppressionSchema,
    handler: async ({ params, body, request }) => {
      const patch = body.expires_at
        ? { ...body, expires_at: new Date(Date.parse(body.expires_at)).toISOString() }
        : body;
      return store.update(params.id, patch, principalOf(request).name);
    },
  });

  route(app, {
    method: 'DELETE',
    url: '/v1/suppressions/:id',
    summary: 'Delete a rule (audited; the rule stays in history)',
    tags,
    roles: ['analyst'],
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, request, reply }) => {
      await store.remove(params.id, principalOf(request).name);
      return reply.code(204).send();
    },
  });

  route(app, {
    method: 'GET',
    url: '/v1/suppressions/:id/history',
    summary: 'Audit trail of one rule',
    tags,
    roles: ['analyst', 'investigator'],
    params: idParams,
    handler: async ({ params }) => ({ history: await store.history(params.id) }),
  });
}
