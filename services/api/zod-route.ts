import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../auth/principal.ts';
import { errors } from '../common/errors.ts';
import { describeIssues } from '../common/zod-issues.ts';

/**
 * Routes typed from zod: the schemas validate input with `safeParse` (clear 400 naming each bad field) and are
 * converted to JSON Schema for the OpenAPI document. Fastify's own validation and serialization are switched off
 * (see `useZodCompilers`), so zod is the only validator.
 */
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type AnyObject = z.ZodType<Record<string, unknown>>;
const empty = z.object({});

/** The body of every error response (error-handler.ts). */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Error statuses a route may answer besides those implied by its spec (400 input, 401/403/429 auth, 413/415 body). */
type ErrorStatus = 404 | 409 | 422 | 503;
const ERROR_DESCRIPTIONS: Record<number, string> = {
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
};

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tags: string[];
  /** Roles allowed besides admin (see auth-hook.ts); omit only for `public` routes. */
  roles?: Role[];
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Documents the success response; not used to serialize. */
  response?: z.ZodType;
  /** Status of a success (default 200); 204 has no body. */
  status?: 200 | 201 | 204;
  /** Media types of a non-JSON success body, e.g. CSV exports (documented as strings). */
  produces?: string[];
  /** Further error statuses the handler may answer. */
  errors?: ErrorStatus[];
  /** Statuses answered with their own body instead of the error body (e.g. /readyz's 503). */
  otherResponses?: Record<number, z.ZodType>;
  handler(input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown>;
}

/** JSON Schema (OpenAPI 3.1 compatible) of a zod schema, describing what a client sends. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** Parses one part of the request; a failure is DG_ERR_BAD_INPUT listing every issue with its field path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw errors.badInput(describeIssues(result.error, [where]));
}

/** The OpenAPI responses of a route: its success response and every error status it can answer. */
function responsesOf(spec: RouteSpec<AnyObject, AnyObject, z.ZodType>): Record<string, unknown> {
  const status = spec.status ?? 200;
  const responses: Record<string, unknown> = {};
  if (status === 204) responses[204] = { description: 'Done; no content', type: 'null' };
  else if (spec.produces)
    responses[status] = {
      description: 'Success',
      content: Object.fromEntries(spec.produces.map((type) => [type, { schema: { type: 'string' } }])),
    };
  else responses[status] = { description: 'Success', ...(spec.response ? toJsonSchema(spec.response, 'output') : {}) };
  const errorStatuses = new Set<number>([
    ...(spec.errors ?? []),
    431,
    ...(spec.params || spec.query || spec.body ? [400] : []),
    ...(spec.body ? [413, 415] : []),
    ...(spec.public ? [] : [401, 403, 429]),
  ]);
  const errorBody = toJsonSchema(errorBodySchema, 'output');
  for (const s of [...errorStatuses].sort()) responses[s] = { description: ERROR_DESCRIPTIONS[s], ...errorBody };
  for (const [s, body] of Object.entries(spec.otherResponses ?? {}))
    responses[s] = { description: ERROR_DESCRIPTIONS[Number(s)], ...toJsonSchema(body, 'output') };
  return responses;
}

export function useZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

export function route<
  P extends AnyObject = typeof empty,
  Q extends AnyObject = typeof empty,
  B extends z.ZodType = z.ZodUndefined,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B>): void {
  const schema: Record<string, unknown> = { summary: spec.summary, tags: spec.tags };
  if (!spec.public) {
    const roles = [...(spec.roles ?? []), 'admin'];
    schema.security = [{ bearer: [] }];
    schema.description = `Roles: ${roles.join(', ')}.`;
    schema['x-roles'] = roles;
  }
  if (spec.params) schema.params = toJsonSchema(spec.params);
  if (spec.query) schema.querystring = toJsonSchema(spec.query);
  if (spec.body) schema.body = toJsonSchema(spec.body);
  schema.response = responsesOf(spec as RouteSpec<AnyObject, AnyObject, z.ZodType>);
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    config: spec.public ? { public: true } : { roles: spec.roles ?? [] },
    handler: async (request, reply) => {
      const params = parseOrThrow(spec.params ?? empty, request.params, 'params') as z.output<P>;
      const query = parseOrThrow(spec.query ?? empty, request.query, 'query') as z.output<Q>;
      const body = (spec.body ? parseOrThrow(spec.body, request.body, 'body') : undefined) as z.output<B>;
      return spec.handler({ params, query, body, request, reply });
    },
  });
}
