import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actionLogFilterSchema } from '../../actions/action-audit.ts';
import {
  activeActionSchema,
  breakerStatusSchema,
  decisionSchema,
  enforcementTypeSchema,
  keyActionSchema,
  limitRecommendationSchema,
  rpmSchema,
  tpmSchema,
} from '../../actions/action-schema.ts';
import type { ActionsService } from '../../actions/actions-service.ts';
import { durationSchema } from '../../actions/policy.ts';
import { errors } from '../../common/errors.ts';
import { idParams } from '../../investigate/query-params.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps, RoutePlugin } from '../deps.ts';
import { errorResponses } from '../route-docs.ts';
import { analysts, readers, routesOf } from '../typed-routes.ts';

const DEFAULT_RECOMMENDATION_RANGE_MS = 7 * 86_400_000;
const DEFAULT_THROTTLE_MS = 6 * 3_600_000;
const isoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});
const actionLog = z.object({ actions: z.array(keyActionSchema), next_cursor: z.string().nullable() });

/** The actions service, or a 503 when this process runs the API without it. */
export function actionsOf(deps: AppDeps): ActionsService {
  if (deps.actions) return deps.actions;
  throw errors.unavailable('the actions service is not running in this process');
}

/** The policy file's `action` shape: `{ "type", "rpm", "tpm", "duration" }`. */
const actionOutcome = z.strictObject({
  type: enforcementTypeSchema,
  rpm: rpmSchema.optional(),
  tpm: tpmSchema.optional(),
  /** "90s", "15m", "6h", "7d". */
  duration: durationSchema,
});

const manualActionBody = z
  .object({
    action: z.union([
      actionOutcome,
      enforcementTypeSchema.describe('Deprecated: a bare type with rpm, tpm and duration beside it'),
    ]),
    rpm: rpmSchema.optional().describe('Deprecated: with a bare `action` type only'),
    tpm: tpmSchema.optional().describe('Deprecated: with a bare `action` type only'),
    duration: durationSchema.optional().describe('Deprecated: with a bare `action` type only'),
    reason: z.string().min(1).max(2000),
    /** Used only when the key has no events to look its org up from. */
    org_id: z.string().max(128).optional(),
  })
  .superRefine((b, ctx) => {
    if (typeof b.action === 'string' && b.duration === undefined)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'required with a bare action type' });
  });

/** The body as the service takes it; `legacy` when the deprecated bare-type form was sent. */
function normaliseManual(body: z.output<typeof manualActionBody>) {
  const legacy = typeof body.action === 'string';
  const a =
    typeof body.action === 'string'
      ? { type: body.action, rpm: body.rpm, tpm: body.tpm, duration: body.duration ?? 0 }
      : body.action;
  return { legacy, action: a.type, rpm: a.rpm, tpm: a.tpm, durationMs: a.duration };
}

/** A retry with the same key returns the first action instead of applying another. */
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });

const outcomeSchema = z.object({
  actions: z.array(keyActionSchema),
  skipped: z.array(z.object({ api_key_id: z.string(), reason: z.string() })),
});

const throttleBody = z.object({
  /** Default 6h. */
  duration: durationSchema.optional(),
  reason: z.string().min(1).max(2000),
  /** The case or alert this answers; resolving it as benign lifts the throttle. */
  source_id: z.string().max(200).optional(),
});

const logQuery = pageQuery.extend({
  api_key_id: z.string().min(1).max(128).optional(),
  org_id: z.string().min(1).max(128).optional(),
  alert_id: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional(),
  action: actionLogFilterSchema.shape.action,
  mode: actionLogFilterSchema.shape.mode,
  from: isoTime.optional(),
  to: isoTime.optional(),
});

const withKey = (key: string | undefined) => (key ? { idempotency_key: key } : {});
type ThrottleBody = z.output<typeof throttleBody>;

/** Key actions: what is active, the audit log, manual apply/lift, the circuit breaker, limit recommendations. */
const actionRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['actions']);
  /** Both throttle routes: each key at the throttle derived from its own usage, through the policy. */
  const throttle = (keys: string[], body: ThrottleBody, request: FastifyRequest) =>
    actionsOf(deps).throttleKeys({
      api_key_ids: keys,
      durationMs: body.duration ?? DEFAULT_THROTTLE_MS,
      reason: body.reason,
      actor: principalOf(request).name,
      ...(body.source_id !== undefined && { source_id: body.source_id }),
      ...withKey((request.headers as z.output<typeof idempotencyHeaders>)['idempotency-key']),
    });

  route.get(
    '/v1/keys/:id/actions',
    {
      roles: readers,
      summary: "A key's decision, active actions and action history (newest first)",
      params: idParams,
      querystring: pageQuery,
      response: {
        200: actionLog.extend({ decision: decisionSchema, active: z.array(activeActionSchema) }),
        ...errorResponses(503),
      },
    },
    async ({ params, query }) => {
      const actions = actionsOf(deps);
      const nowMs = deps.now();
      const page = await actions.listActions({ api_key_id: params.id, limit: query.limit, cursor: query.cursor });
      return {
        decision: actions.decision(params.id, nowMs),
        active: actions.activeActions(params.id, nowMs)?.actions ?? [],
        actions: page.items,
        next_cursor: page.next_cursor,
      };
    },
  );

  route.post(
    '/v1/keys/:id/actions',
    {
      roles: analysts,
      summary:
        'Apply an action by hand (enforced at once, whatever the policy mode); an Idempotency-Key header makes a retry return the first action',
      params: idParams,
      headers: idempotencyHeaders,
      body: manualActionBody,
      response: { 201: keyActionSchema, ...errorResponses(503) },
    },
    async (request, reply) => {
      const { body } = request;
      const key = request.headers['idempotency-key'];
      const { legacy, ...manual } = normaliseManual(body);
      const action = await actionsOf(deps).applyManual({
        ...manual,
        api_key_id: request.params.id,
        reason: body.reason,
        ...(body.org_id !== undefined && { org_id: body.org_id }),
        actor: principalOf(request).name,
        ...(key && { idempotency_key: key }),
      });
      if (legacy) reply.header('deprecation', 'true');
      return reply.code(201).send(action);
    },
  );

  route.post(
    '/v1/keys/:id/actions/apply-recommendation',
    {
      roles: analysts,
      summary: 'Rate-limit the key at the throttle derived from its own median usage (policy mode, audit, lift)',
      params: idParams,
      headers: idempotencyHeaders,
      body: throttleBody,
      response: { 200: outcomeSchema, ...errorResponses(503) },
    },
    async (request) => throttle([request.params.id], request.body, request),
  );

  route.post(
    '/v1/actions/throttle',
    {
      roles: analysts,
      summary:
        'Rate-limit several keys (e.g. every member of a cluster), each at the throttle derived from its own usage',
      headers: idempotencyHeaders,
      body: throttleBody.extend({ api_key_ids: z.array(z.string().min(1).max(128)).min(1).max(1000) }),
      response: { 200: outcomeSchema, ...errorResponses(503) },
    },
    async (request) => throttle(request.body.api_key_ids, request.body, request),
  );

  route.delete(
    '/v1/keys/:id/actions',
    {
      roles: analysts,
      summary: 'Lift every active action on the key (tombstone on the key-actions topic)',
      params: idParams,
      querystring: z.object({ reason: z.string().min(1).max(2000) }),
      response: { 200: z.object({ lifted: z.array(keyActionSchema) }), ...errorResponses(503) },
    },
    async (request) => ({
      lifted: await actionsOf(deps).liftManual({
        api_key_id: request.params.id,
        reason: request.query.reason,
        actor: principalOf(request).name,
      }),
    }),
  );

  route.get(
    '/v1/actions',
    {
      roles: readers,
      summary: 'The action log (automatic, manual, dry-run, recommendations, lifts, expiries), newest first',
      querystring: logQuery,
      response: { 200: actionLog, ...errorResponses(503) },
    },
    async ({ query }) => {
      const { from, to, ...filter } = query;
      if (from !== undefined && to !== undefined && to <= from) throw errors.badInput('query.to: must be after from');
      const page = await actionsOf(deps).listActions({ ...filter, from_ms: from, to_ms: to });
      return { actions: page.items, next_cursor: page.next_cursor };
    },
  );

  route.get(
    '/v1/actions/breaker',
    {
      roles: readers,
      summary: 'Circuit breaker: automatic actions in the window, overall and per org, and whether it is open',
      response: { 200: breakerStatusSchema, ...errorResponses(503) },
    },
    async () => actionsOf(deps).breakerStatus(deps.now()),
  );

  route.get(
    '/v1/keys/:id/recommended-limits',
    {
      roles: readers,
      summary: "p50/p90/p99 of the key's per-minute requests and tokens, and suggested rpm/tpm (default: last 7 days)",
      params: idParams,
      querystring: z.object({ from: isoTime.optional(), to: isoTime.optional() }),
      response: { 200: limitRecommendationSchema, ...errorResponses(422, 503) },
    },
    async ({ params, query }) => {
      const toMs = query.to ?? deps.now();
      const fromMs = query.from ?? toMs - DEFAULT_RECOMMENDATION_RANGE_MS;
      return actionsOf(deps).recommendLimits(params.id, { fromMs, toMs });
    },
  );
};
export default actionRoutes;
