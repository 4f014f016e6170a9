import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actionsNotRunning } from '../../actions/enforcement.ts';
import { evidenceEvents, featureHistory } from '../../alerts-store/alert-evidence.ts';
import { alertFilterSchema, alertHistory, getAlert, listAlerts } from '../../alerts-store/alert-queries.ts';
import { alertLabelSchema, alertViewSchema } from '../../alerts-store/alert-row.ts';
import { createAlertWorkflow } from '../../alerts-store/alert-workflow.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps } from '../deps.ts';
import { callerMayReadPrompts } from '../prompt-readers.ts';
import { route } from '../zod-route.ts';

const idParams = z.object({ id: z.string().min(1).max(128) });
const READERS = ['analyst', 'investigator'] as const;
const tags = ['alerts'];

/** The alert queue, alert detail and the triage workflow (acknowledge, assign, resolve, reopen). */
export default async function alertRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const ch = deps.clickhouse;
  const workflow = createAlertWorkflow(ch, deps.now);
  const changes = deps.metrics.counter('distillguard_alert_changes_total', 'Analyst changes to alerts by action');
  const lifted = deps.metrics.counter(
    'distillguard_actions_lifted_by_resolution_total',
    'Automatic actions lifted by resolutions',
  );
  app.addHook('onResponse', async (request, reply) => {
    const action = /\/v1\/alerts\/:id\/(\w+)$/.exec(request.routeOptions.url ?? '')?.[1];
    if (action && reply.statusCode === 200) changes.inc({ action });
  });

  route(app, {
    method: 'GET',
    url: '/v1/alerts',
    summary: 'Alert queue, newest first, with filters and an opaque cursor',
    tags,
    roles: [...READERS],
    query: alertFilterSchema,
    response: z.object({ alerts: z.array(alertViewSchema), next_cursor: z.string().nullable() }),
    handler: async ({ query }) => listAlerts(ch, query),
  });

  route(app, {
    method: 'GET',
    url: '/v1/alerts/:id',
    summary: 'One alert with its reasons, evidence events, feature history and audit trail',
    tags,
    roles: [...READERS],
    params: idParams,
    errors: [404],
    handler: async ({ params, request }) => {
      const alert = await getAlert(ch, params.id);
      const [evidence, features, history] = await Promise.all([
        evidenceEvents(ch, alert, callerMayReadPrompts(request, deps)),
        featureHistory(ch, alert),
        alertHistory(ch, alert.alert_id),
      ]);
      return { alert, evidence, feature_history: features, history };
    },
  });

  route(app, {
    method: 'POST',
    url: '/v1/alerts/:id/acknowledge',
    summary: 'Acknowledge an open alert',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404, 409],
    response: alertViewSchema,
    handler: async ({ params, request }) => workflow.acknowledge(params.id, principalOf(request).name),
  });

  route(app, {
    method: 'POST',
    url: '/v1/alerts/:id/assign',
    summary: 'Assign an alert to an analyst (null unassigns)',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404, 409],
    body: z.object({ assignee: z.string().min(1).max(128).nullable() }),
    response: alertViewSchema,
    handler: async ({ params, body, request }) => workflow.assign(params.id, principalOf(request).name, body.assignee),
  });

  route(app, {
    method: 'POST',
    url: '/v1/alerts/:id/resolve',
    summary:
      'Resolve with a label; false_positive and benign_heavy_user lift the automatic actions it caused (lift_error if ' +
      'that failed); enforcement says whether the actions service runs in this process (not_running: nothing lifted)',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404, 409],
    body: z.object({ label: alertLabelSchema, note: z.string().max(4_000).default('') }),
    handler: async ({ params, body, request }) => {
      const actor = principalOf(request).name;
      const alert = await workflow.resolve(params.id, actor, body.label, body.note);
      if (!deps.actions) {
        const lifting = body.label !== 'true_positive';
        if (lifting) request.log.warn({ alert_id: alert.alert_id }, 'resolved without the actions service: no lift');
        return {
          alert,
          lifted_actions: [],
          enforcement: 'not_running',
          ...(lifting ? { lift_error: actionsNotRunning('lifted') } : {}),
        };
      }
      try {
        const liftedActions = await deps.actions.onAlertResolved({
          alert_id: alert.alert_id,
          api_key_ids: alert.api_key_ids,
          label: body.label,
          actor,
        });
        lifted.inc({}, liftedActions.length);
        return { alert, lifted_actions: liftedActions, enforcement: 'running' };
      } catch (error) {
        // The resolution is stored; report the failed lift so the analyst can lift by hand instead of retrying.
        request.log.error({ err: error, alert_id: alert.alert_id }, 'lifting actions after resolution failed');
        return {
          alert,
          lifted_actions: [],
          enforcement: 'running',
          lift_error: `automatic actions were not lifted: ${(error as Error).message}`,
        };
      }
    },
  });

  route(app, {
    method: 'POST',
    url: '/v1/alerts/:id/reopen',
    summary: 'Reopen a resolved alert (clears its label)',
    tags,
    roles: ['analyst'],
    params: idParams,
    errors: [404, 409],
    body: z.object({ note: z.string().max(4_000).default('') }),
    response: alertViewSchema,
    handler: async ({ params, body, request }) => workflow.reopen(params.id, principalOf(request).name, body.note),
  });
}
