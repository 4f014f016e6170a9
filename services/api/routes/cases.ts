import { z } from 'zod';
import { keyActionSchema } from '../../actions/action-schema.ts';
import { enforcementSchema } from '../../actions/enforcement.ts';
import { caseDetail, caseDetailSchema } from '../../cases/case-detail.ts';
import { alertReasons, type CaseRow, listCases } from '../../cases/case-queries.ts';
import { caseFilterSchema, caseResolutionSchema } from '../../cases/case-schema.ts';
import { caseIdOfAlert } from '../../cases/case-store.ts';
import { caseViewSchema, gatewaySummary, gatewaySummarySchema, toCaseView } from '../../cases/case-view.ts';
import { createCaseWorkflow } from '../../cases/case-workflow.ts';
import { idParams } from '../../investigate/query-params.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { callerMayReadPrompts } from '../prompt-readers.ts';
import { errorResponses } from '../route-docs.ts';
import { analysts, readers, routesOf } from '../typed-routes.ts';

const caseResolvedSchema = z.object({
  case: z.object({ case_id: z.string(), status: z.string(), label: z.string() }).loose(),
  labelled_alerts: z.number(),
  lifted_actions: z.array(keyActionSchema),
  enforced_actions: z.array(keyActionSchema),
  skipped: z.array(z.object({ api_key_id: z.string(), reason: z.string() })),
  enforcement: enforcementSchema,
  action_error: z.string().optional(),
});

/** The case queue, the case page and resolving a case (with lift on false positive, enforce on true positive). */
const caseRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['cases']);
  const ch = deps.clickhouse;
  const workflow = createCaseWorkflow(ch, {
    now: deps.now,
    logger: deps.logger,
    ...(deps.actions ? { actions: deps.actions } : {}),
  });
  const decide = deps.actions ? (key: string) => deps.actions!.decision(key, deps.now()) : undefined;
  const view = async (rows: CaseRow[]) => {
    const reasons = await alertReasons(
      ch,
      rows.map((r) => r.top_alert_id),
    );
    return rows.map((r) =>
      toCaseView(r, reasons.get(r.top_alert_id)?.reasons ?? [], gatewaySummary(r.api_key_ids, decide)),
    );
  };

  route.get(
    '/v1/cases',
    {
      roles: readers,
      summary:
        'Case queue: one open case per key and per cluster, most severe then highest score first, with the total',
      querystring: caseFilterSchema,
      response: {
        200: z.object({ cases: z.array(caseViewSchema), total: z.number(), limit: z.number(), offset: z.number() }),
      },
    },
    async ({ query }) => {
      const page = await listCases(ch, query);
      return { cases: await view(page.cases), total: page.total, limit: query.limit, offset: query.offset };
    },
  );

  route.get(
    '/v1/cases/:id',
    {
      roles: readers,
      summary: 'One case: reasons in words per category, its alerts, members and their gateway decisions, evidence',
      params: idParams,
      response: {
        200: caseDetailSchema.extend({
          case: caseViewSchema,
          members: z.array(z.object({ api_key_id: z.string(), decision: gatewaySummarySchema.shape.decision })),
        }),
        ...errorResponses(404),
      },
    },
    async (request) => {
      const { row, ...detail } = await caseDetail(ch, request.params.id, callerMayReadPrompts(request, deps));
      const [c] = await view([row]);
      const members = row.api_key_ids.map((api_key_id) => ({
        api_key_id,
        decision: decide ? decide(api_key_id).decision : ('unknown' as const),
      }));
      return { case: c!, members, ...detail };
    },
  );

  route.post(
    '/v1/cases/:id/resolve',
    {
      roles: analysts,
      summary:
        'Resolve a case (audited); false_positive/benign_heavy_user lift the automatic actions its alerts caused, ' +
        'true_positive with enforce acts on its keys through the actions policy (action_error if acting failed or ' +
        'the actions service does not run in this process: enforcement not_running)',
      params: idParams,
      body: caseResolutionSchema,
      response: { 200: caseResolvedSchema, ...errorResponses(404, 409) },
    },
    async (request) => workflow.resolve(request.params.id, principalOf(request).name, request.body),
  );

  route.get(
    '/v1/alerts/:id/case',
    {
      roles: readers,
      summary: 'The case an alert is evidence of; null while it is not folded yet, or when it was suppressed',
      params: idParams,
      response: { 200: z.object({ case_id: z.string().nullable() }) },
    },
    async (request) => ({ case_id: await caseIdOfAlert(ch, request.params.id) }),
  );
};
export default caseRoutes;
