import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** The body of every error response (error-handler.ts). */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const ERROR_DESCRIPTIONS = {
  400: 'Malformed input; the message names each bad field',
  401: 'Missing, malformed, unknown or revoked token',
  403: "The token's role may not call this route",
  404: 'No such resource',
  409: 'The change conflicts with the current state',
  413: 'Body larger than DG_API_BODY_LIMIT_BYTES',
  415: 'Body is not JSON',
  422: 'Query exceeds a limit (time, rows)',
  429: 'Rate limit of the token exceeded',
  431: 'Request line and headers exceed 16 KiB (e.g. a huge query string)',
  503: 'A dependency this route needs is unavailable',
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;
const errorBody = (status: ErrorStatus) => errorBodySchema.describe(ERROR_DESCRIPTIONS[status]);

/** Error statuses a route lists in `schema.response` itself; the others follow from its schema (documentRoutes). */
export function errorResponses<S extends 404 | 409 | 422 | 503>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody(s)])) as Record<S, typeof errorBodySchema>;
}

/** A success without a body (204). */
export const noContent = z.undefined().describe('Done; no content');

/** A success whose body is not JSON (CSV, Prometheus text), documented as a string per media type. */
export function textResponse(...mediaTypes: string[]) {
  return { description: 'Success', content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: z.string() }])) };
}

/**
 * Completes the OpenAPI entry of every documented route (a schema not `hide`): its roles (`security`, the
 * description and `x-roles`, from `config.roles`; admin passes every check, see auth-hook.ts) and the error
 * statuses its schema implies: 400 for validated input, 413/415 with a body, 401/403/429 unless `config.public`,
 * 431 always. A route lists the rest with `errorResponses(404, …)`; an undescribed success reads "Success". Added
 * before any route registers.
 */
export function documentRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema;
    if (!schema || schema.hide) return;
    const implied: ErrorStatus[] = [431];
    if (schema.params || schema.querystring || schema.headers || schema.body) implied.push(400);
    if (schema.body) implied.push(413, 415);
    if (!route.config?.public) {
      const roles = [...(route.config?.roles ?? []), 'admin'];
      Object.assign(schema, {
        security: [{ bearer: [] }],
        description: `Roles: ${roles.join(', ')}.`,
        'x-roles': roles,
      });
      implied.push(401, 403, 429);
    }
    const response = (schema.response ?? {}) as Record<number, unknown>;
    for (const [status, body] of Object.entries(response))
      if (body instanceof z.ZodType && !body.description) response[Number(status)] = body.describe('Success');
    for (const status of implied) response[status] ??= errorBody(status);
    schema.response = response;
  });
}
