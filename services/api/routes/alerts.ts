import { z } from 'zod';
import { keyActionSchema } from '../../actions/action-schema.ts';
import { actionsNotRunning, enforcementSchema } from '../../actions/enforcement.ts';
import {
  evidenceEvents,
  evidenceEventViewSchema,
  featureHistory,
  featureHistorySchema,
} from '../../alerts-store/alert-evidence.ts';
import {
  alertChangeSchema,
  alertFilterSchema,
  alertHistory,
  getAlert,
  listAlerts,
} from '../../alerts-store/alert-queries.ts';
import { alertLabelSchema, alertViewSchema } from '../../alerts-store/alert-row.ts';
import { createAlertWorkflow } from '../../alerts-store/alert-workflow.ts';
import { idParams } from '../../investigate/query-params.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { callerMayReadPrompts } from '../prompt-readers.ts';
import { errorResponses } from '../route-docs.ts';
import { analysts, readers, routesOf } from '../typed-routes.ts';

const alertDetailSchema = z.object({
  alert: alertViewSchema,
  evidence: z.array(evidenceEventViewSchema),
  feature_history: featureHistorySchema,
  history: z.array(alertChangeSchema),
});
const resolutionSchema = z.object({
  alert: alertViewSchema,
  lifted_actions: z.array(keyActionSchema),
  enforcement: enforcementSchema,
  lift_error: z.string().optional(),
});

/** The alert queue, alert detail and the triage workflow (acknowledge, assign, resolve, reopen). */
const alertRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['alerts']);
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

  route.get(
    '/v1/alerts',
    {
      roles: readers,
      summary: 'Alert queue, newest first, with filters and an opaque cursor',
      querystring: alertFilterSchema,
      response: { 200: z.object({ alerts: z.array(alertViewSchema), next_cursor: z.string().nullable() }) },
    },
    async (request) => listAlerts(ch, request.query),
  );

  route.get(
    '/v1/alerts/:id',
    {
      roles: readers,
      summary: 'One alert with its reasons, evidence events, feature history and audit trail',
      params: idParams,
      response: { 200: alertDetailSchema, ...errorResponses(404) },
    },
    async (request) => {
      const alert = await getAlert(ch, request.params.id);
      const [evidence, features, history] = await Promise.all([
        evidenceEvents(ch, alert, callerMayReadPrompts(request, deps)),
        featureHistory(ch, alert),
        alertHistory(ch, alert.alert_id),
      ]);
      return { alert, evidence, feature_history: features, history };
    },
  );

  route.post(
    '/v1/alerts/:id/acknowledge',
    {
      roles: analysts,
      summary: 'Acknowledge an open alert',
      params: idParams,
      response: { 200: alertViewSchema, ...errorResponses(404, 409) },
    },
    async (request) => workflow.acknowledge(request.params.id, principalOf(request).name),
  );

  route.post(
    '/v1/alerts/:id/assign',
    {
      roles: analysts,
      summary: 'Assign an alert to an analyst (null unassigns)',
      params: idParams,
      body: z.object({ assignee: z.string().min(1).max(128).nullable() }),
      response: { 200: alertViewSchema, ...errorResponses(404, 409) },
    },
    async (request) => workflow.assign(request.params.id, principalOf(request).name, request.body.assignee),
  );

  route.post(
    '/v1/alerts/:id/resolve',
    {
      roles: analysts,
      summary:
        'Resolve with a label; false_positive and benign_heavy_user lift the automatic actions it caused (lift_error if ' +
        'that failed); enforcement says whether the actions service runs in this process (not_running: nothing lifted)',
      params: idParams,
      body: z.object({ label: alertLabelSchema, note: z.string().max(4_000).default('') }),
      response: { 200: resolutionSchema, ...errorResponses(404, 409) },
    },
    async (request) => {
      const { label, note } = request.body;
      const actor = principalOf(request).name;
      const alert = await workflow.resolve(request.params.id, actor, label, note);
      if (!deps.actions) {
        const lifting = label !== 'true_positive';
        if (lifting) request.log.warn({ alert_id: alert.alert_id }, 'resolved without the actions service: no lift');
        return {
          alert,
          lifted_actions: [],
          enforcement: 'not_running' as const,
          ...(lifting ? { lift_error: actionsNotRunning('lifted') } : {}),
        };
      }
      try {
        const liftedActions = await deps.actions.onAlertResolved({
          alert_id: alert.alert_id,
          api_key_ids: alert.api_key_ids,
          label,
          actor,
        });
        lifted.inc({}, liftedActions.length);
        return { alert, lifted_actions: liftedActions, enforcement: 'running' as const };
      } catch (error) {
        // The resolution is stored; report the failed lift so the analyst can lift by hand instead of retrying.
        request.log.error({ err: error, alert_id: alert.alert_id }, 'lifting actions after resolution failed');
        return {
          alert,
          lifted_actions: [],
          enforcement: 'running' as const,
          lift_error: `automatic actions were not lifted: ${(error as Error).message}`,
        };
      }
    },
  );

  route.post(
    '/v1/alerts/:id/reopen',
    {
      roles: analysts,
      summary: 'Reopen a resolved alert (clears its label)',
      params: idParams,
      body: z.object({ note: z.string().max(4_000).default('') }),
      response: { 200: alertViewSchema, ...errorResponses(404, 409) },
    },
    async (request) => workflow.reopen(request.params.id, principalOf(request).name, request.body.note),
  );
};
export default alertRoutes;
