import type { FastifyInstance, FastifyBaseLogger as Logger } from 'fastify';
import { z } from 'zod';
import type { AlertLabel } from '../../alerts-store/alert-row.ts';
import { closeMatchingAlerts } from '../../alerts-store/suppression-close.ts';
import { suppressionSchema } from '../../alerts-store/suppression-rules.ts';
import {
  createSuppressionStore,
  requireKnownFeature,
  suppressionFieldsSchema,
} from '../../alerts-store/suppression-store.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

const idParams = z.object({ id: z.string().min(1).max(128) });
const tags = ['suppressions'];

/** Allowlist rules (key, org or feature) with reason and expiry; every change audited in suppression_events. */
export default async function suppressionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const store = createSuppressionStore(deps.clickhouse, deps.now);

  /** Closed alerts lift the actions they caused, as resolving them by hand would; a failure is logged, not fatal. */
  async function liftFor(alertId: string, keys: string[], label: AlertLabel | null, actor: string, log: Logger) {
    if (!deps.actions || !label) return;
    await deps.actions
      .onAlertResolved({ alert_id: alertId, api_key_ids: keys, label, actor })
      .catch((error) => log.error({ err: error, alert_id: alertId }, 'lifting actions of a suppressed alert failed'));
  }

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
    summary: 'Create a suppression rule; close_matching=true also resolves the open alerts it covers',
    tags,
    roles: ['analyst'],
    body: requireKnownFeature(suppressionFieldsSchema.extend({ close_matching: z.boolean().default(false) })),
    response: suppressionSchema.extend({ closed_alert_ids: z.array(z.string()) }),
    status: 201,
    handler: async ({ body, request, reply }) => {
      const { close_matching, ...input } = body;
      const actor = principalOf(request).name;
      const rule = await store.create(input, actor);
      const closed = close_matching ? await closeMatchingAlerts(deps.clickhouse, rule, actor, deps.now) : [];
      for (const alert of closed) await liftFor(alert.alert_id, alert.api_key_ids, alert.label, actor, request.log);
      return reply.code(201).send({ ...rule, closed_alert_ids: closed.map((a) => a.alert_id) });
    },
  });

  route(app, {
    method: 'PATCH',
    url: '/v1/suppressions/:id',
    summary: 'Change the reason or expiry of a rule',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404],
    body: suppressionFieldsSchema
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
