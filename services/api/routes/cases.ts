import { z } from 'zod';
import { keyActionSchema } from '../../actions/action-schema.ts';
import { enforcementSchema } from '../../actions/enforcement.ts';
import { caseDetail, caseDetailSchema } from '../../cases/case-detail.ts';
import { alertReasons, type CaseRow, listCases } from '../../cases/case-queries.ts';
import { caseFilterSchema, caseResolutionSchema } from '../../cases/case-schema.ts';
import { caseIdOfAlert } from '../../cases/case-store.ts';
import { caseViewSchema, gatewaySummary, gatewaySummarySchema, toCaseView } from '../../cases/case-view.ts';
import { createCaseWorkflow } from '../../cases/case-workflow.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { callerMayReadPrompts } from '../prompt-readers.ts';
import { errorResponses } from '../route-docs.ts';

const idParams = z.object({ id: z.string().min(1).max(128) });
const readers = { roles: ['analyst' as const, 'investigator' as const] };
const tags = ['cases'];
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

  app.get(
    '/v1/cases',
    {
      schema: {
        summary:
          'Case queue: one open case per key and per cluster, most severe then highest score first, with the total',
        tags,
        querystring: caseFilterSchema,
        response: {
          200: z.object({ cases: z.array(caseViewSchema), total: z.number(), limit: z.number(), offset: z.number() }),
        },
      },
      config: readers,
    },
    async ({ query }) => {
      const page = await listCases(ch, query);
      return { cases: await view(page.cases), total: page.total, limit: query.limit, offset: query.offset };
    },
  );

  app.get(
    '/v1/cases/:id',
    {
      schema: {
        summary: 'One case: reasons in words per category, its alerts, members and their gateway decisions, evidence',
        tags,
        params: idParams,
        response: {
          200: caseDetailSchema.extend({
            case: caseViewSchema,
            members: z.array(z.object({ api_key_id: z.string(), decision: gatewaySummarySchema.shape.decision })),
          }),
          ...errorResponses(404),
        },
      },
      config: readers,
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

  app.post(
    '/v1/cases/:id/resolve',
    {
      schema: {
        summary:
          'Resolve a case (audited); false_positive/benign_heavy_user lift the automatic actions its alerts caused, ' +
          'true_positive with enforce acts on its keys through the actions policy (action_error if acting failed or ' +
          'the actions service does not run in this process: enforcement not_running)',
        tags,
        params: idParams,
        body: caseResolutionSchema,
        response: { 200: caseResolvedSchema, ...errorResponses(404, 409) },
      },
      config: { roles: ['analyst'] },
    },
    async (request) => workflow.resolve(request.params.id, principalOf(request).name, request.body),
  );

  app.get(
    '/v1/alerts/:id/case',
    {
      schema: {
        summary: 'The case an alert is evidence of; null while it is not folded yet, or when it was suppressed',
        tags,
        params: idParams,
        response: { 200: z.object({ case_id: z.string().nullable() }) },
      },
      config: readers,
    },
    async (request) => ({ case_id: await caseIdOfAlert(ch, request.params.id) }),
  );
};
export default caseRoutes;
