import type { FastifyBaseLogger as Logger } from 'fastify';
import { z } from 'zod';
import type { AlertLabel } from '../../alerts-store/alert-row.ts';
import { closeMatchingAlerts } from '../../alerts-store/suppression-close.ts';
import { suppressionSchema } from '../../alerts-store/suppression-rules.ts';
import {
  createSuppressionStore,
  requireKnownFeature,
  suppressionChangeSchema,
  suppressionFieldsSchema,
} from '../../alerts-store/suppression-store.ts';
import { idParams } from '../../investigate/query-params.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses, noContent } from '../route-docs.ts';
import { analysts, readers, routesOf } from '../typed-routes.ts';

/** Allowlist rules (key, org or feature) with reason and expiry; every change audited in suppression_events. */
const suppressionRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['suppressions']);
  const store = createSuppressionStore(deps.clickhouse, deps.now);

  /** Closed alerts lift the actions they caused, as resolving them by hand would; a failure is logged, not fatal. */
  async function liftFor(alertId: string, keys: string[], label: AlertLabel | null, actor: string, log: Logger) {
    if (!deps.actions || !label) return;
    await deps.actions
      .onAlertResolved({ alert_id: alertId, api_key_ids: keys, label, actor })
      .catch((error) => log.error({ err: error, alert_id: alertId }, 'lifting actions of a suppressed alert failed'));
  }

  route.get(
    '/v1/suppressions',
    {
      roles: readers,
      summary: 'Suppression rules (active only unless all=true)',
      querystring: z.object({ all: z.enum(['true', 'false']).default('false') }),
      response: { 200: z.object({ suppressions: z.array(suppressionSchema) }) },
    },
    async ({ query }) => ({ suppressions: await store.list({ activeOnly: query.all === 'false' }) }),
  );

  route.post(
    '/v1/suppressions',
    {
      roles: analysts,
      summary: 'Create a suppression rule; close_matching=true also resolves the open alerts it covers',
      body: requireKnownFeature(suppressionFieldsSchema.extend({ close_matching: z.boolean().default(false) })),
      response: { 201: suppressionSchema.extend({ closed_alert_ids: z.array(z.string()) }) },
    },
    async (request, reply) => {
      const { close_matching, ...input } = request.body;
      const actor = principalOf(request).name;
      const rule = await store.create(input, actor);
      const closed = close_matching ? await closeMatchingAlerts(deps.clickhouse, rule, actor, deps.now) : [];
      for (const alert of closed) await liftFor(alert.alert_id, alert.api_key_ids, alert.label, actor, request.log);
      return reply.code(201).send({ ...rule, closed_alert_ids: closed.map((a) => a.alert_id) });
    },
  );

  route.patch(
    '/v1/suppressions/:id',
    {
      roles: analysts,
      summary: 'Change the reason or expiry of a rule',
      params: idParams,
      body: suppressionFieldsSchema
        .pick({ reason: true, expires_at: true })
        .partial()
        .refine((b) => b.reason !== undefined || b.expires_at !== undefined, 'give reason or expires_at'),
      response: { 200: suppressionSchema, ...errorResponses(404) },
    },
    async (request) => {
      const { body } = request;
      const patch = body.expires_at
        ? { ...body, expires_at: new Date(Date.parse(body.expires_at)).toISOString() }
        : body;
      return store.update(request.params.id, patch, principalOf(request).name);
    },
  );

  route.delete(
    '/v1/suppressions/:id',
    {
      roles: analysts,
      summary: 'Delete a rule (audited; the rule stays in history)',
      params: idParams,
      response: { 204: noContent, ...errorResponses(404) },
    },
    async (request, reply) => {
      await store.remove(request.params.id, principalOf(request).name);
      return reply.code(204).send();
    },
  );

  route.get(
    '/v1/suppressions/:id/history',
    {
      roles: readers,
      summary: 'Audit trail of one rule',
      params: idParams,
      response: { 200: z.object({ history: z.array(suppressionChangeSchema) }) },
    },
    async (request) => ({ history: await store.history(request.params.id) }),
  );
};
export default suppressionRoutes;
