import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actionLogFilterSchema } from '../../actions/action-audit.ts';
import {
  activeActionSchema,
  breakerStatusSchema,
  decisionSchema,
  enforcementTypeSchema,
  keyActionSchema,
  limitRecommendationSchema,
} from '../../actions/action-schema.ts';
import type { ActionsService } from '../../actions/actions-service.ts';
import { durationSchema } from '../../actions/policy.ts';
import { errors } from '../../common/errors.ts';
import { principalOf } from '../auth-hook.ts';
import type { AppDeps } from '../deps.ts';
import { parseOrThrow, route } from '../zod-route.ts';

const READERS = ['analyst', 'investigator'] as const;
const tags = ['actions'];
const DEFAULT_RECOMMENDATION_RANGE_MS = 7 * 86_400_000;
const DEFAULT_THROTTLE_MS = 6 * 3_600_000;
const keyParams = z.object({ id: z.string().min(1).max(128) });
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
  rpm: z.int().positive().optional(),
  tpm: z.int().positive().optional(),
  /** "90s", "15m", "6h", "7d". */
  duration: durationSchema,
});

const manualActionBody = z
  .object({
    action: z.union([
      actionOutcome,
      enforcementTypeSchema.describe('Deprecated: a bare type with rpm, tpm and duration beside it'),
    ]),
    rpm: z.int().positive().optional().describe('Deprecated: with a bare `action` type only'),
    tpm: z.int().positive().optional().describe('Deprecated: with a bare `action` type only'),
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

const IDEMPOTENCY_HEADER = 'idempotency-key';
const idempotencyKey = z.string().min(1).max(200).optional();

function idempotencyOf(headers: Record<string, unknown>): string | undefined {
  return parseOrThrow(z.object({ [IDEMPOTENCY_HEADER]: idempotencyKey }), headers, 'headers')[IDEMPOTENCY_HEADER];
}

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

/** Key actions: what is active, the audit log, manual apply/lift, the circuit breaker, limit recommendations. */
export default async function actionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  route(app, {
    method: 'GET',
    url: '/v1/keys/:id/actions',
    summary: "A key's decision, active actions and action history (newest first)",
    tags,
    errors: [503],
    roles: [...READERS],
    params: keyParams,
    query: pageQuery,
    response: actionLog.extend({ decision: decisionSchema, active: z.array(activeActionSchema) }),
    handler: async ({ params, query }) => {
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
  });

  route(app, {
    method: 'POST',
    url: '/v1/keys/:id/actions',
    summary:
      'Apply an action by hand (enforced at once, whatever the policy mode); an Idempotency-Key header makes a retry return the first action',
    tags,
    errors: [503],
    roles: ['analyst'],
    params: keyParams,
    body: manualActionBody,
    response: keyActionSchema,
    status: 201,
    handler: async ({ params, body, request, reply }) => {
      const key = idempotencyOf(request.headers);
      const { legacy, ...manual } = normaliseManual(body);
      const action = await actionsOf(deps).applyManual({
        ...manual,
        api_key_id: params.id,
        reason: body.reason,
        ...(body.org_id !== undefined && { org_id: body.org_id }),
        actor: principalOf(request).name,
        ...(key && { idempotency_key: key }),
      });
      if (legacy) reply.header('deprecation', 'true');
      return reply.code(201).send(action);
    },
  });

  route(app, {
    method: 'POST',
    url: '/v1/keys/:id/actions/apply-recommendation',
    summary: 'Rate-limit the key at the throttle derived from its own median usage (policy mode, audit, lift)',
    tags,
    errors: [503],
    roles: ['analyst'],
    params: keyParams,
    body: throttleBody,
    response: outcomeSchema,
    handler: async ({ params, body, request }) =>
      actionsOf(deps).throttleKeys({
        api_key_ids: [params.id],
        durationMs: body.duration ?? DEFAULT_THROTTLE_MS,
        reason: body.reason,
        actor: principalOf(request).name,
        ...(body.source_id !== undefined && { source_id: body.source_id }),
        ...withKey(idempotencyOf(request.headers)),
      }),
  });

  route(app, {
    method: 'POST',
    url: '/v1/actions/throttle',
    summary:
      'Rate-limit several keys (e.g. every member of a cluster), each at the throttle derived from its own usage',
    tags,
    errors: [503],
    roles: ['analyst'],
    body: throttleBody.extend({ api_key_ids: z.array(z.string().min(1).max(128)).min(1).max(1000) }),
    response: outcomeSchema,
    handler: async ({ body, request }) =>
      actionsOf(deps).throttleKeys({
        api_key_ids: body.api_key_ids,
        durationMs: body.duration ?? DEFAULT_THROTTLE_MS,
        reason: body.reason,
        actor: principalOf(request).name,
        ...(body.source_id !== undefined && { source_id: body.source_id }),
        ...withKey(idempotencyOf(request.headers)),
      }),
  });

  route(app, {
    method: 'DELETE',
    url: '/v1/keys/:id/actions',
    summary: 'Lift every active action on the key (tombstone on the key-actions topic)',
    tags,
    errors: [503],
    roles: ['analyst'],
    params: keyParams,
    query: z.object({ reason: z.string().min(1).max(2000) }),
    response: z.object({ lifted: z.array(keyActionSchema) }),
    handler: async ({ params, query, request }) => ({
      lifted: await actionsOf(deps).liftManual({
        api_key_id: params.id,
        reason: query.reason,
        actor: principalOf(request).name,
      }),
    }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/actions',
    summary: 'The action log (automatic, manual, dry-run, recommendations, lifts, expiries), newest first',
    tags,
    errors: [503],
    roles: [...READERS],
    query: logQuery,
    response: actionLog,
    handler: async ({ query }) => {
      const { from, to, ...filter } = query;
      if (from !== undefined && to !== undefined && to <= from) throw errors.badInput('query.to: must be after from');
      const page = await actionsOf(deps).listActions({ ...filter, from_ms: from, to_ms: to });
      return { actions: page.items, next_cursor: page.next_cursor };
    },
  });

  route(app, {
    method: 'GET',
    url: '/v1/actions/breaker',
    summary: 'Circuit breaker: automatic actions in the window, overall and per org, and whether it is open',
    tags,
    errors: [503],
    roles: [...READERS],
    response: breakerStatusSchema,
    handler: async () => actionsOf(deps).breakerStatus(deps.now()),
  });

  route(app, {
    method: 'GET',
    url: '/v1/keys/:id/recommended-limits',
    summary: "p50/p90/p99 of the key's per-minute requests and tokens, and suggested rpm/tpm (default: last 7 days)",
    tags,
    errors: [422, 503],
    roles: [...READERS],
    params: keyParams,
    query: z.object({ from: isoTime.optional(), to: isoTime.optional() }),
    response: limitRecommendationSchema,
    handler: async ({ params, query }) => {
      const toMs = query.to ?? deps.now();
      const fromMs = query.from ?? toMs - DEFAULT_RECOMMENDATION_RANGE_MS;
      return actionsOf(deps).recommendLimits(params.id, { fromMs, toMs });
    },
  });
}
