import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../auth/roles.ts';
import { errors } from '../common/errors.ts';

/**
 * Routes typed from zod: the schemas validate input with `safeParse` (clear 400 naming each bad field) and are
 * converted to JSON Schema for the OpenAPI document. Fastify's own validation and serialization are switched off
 * (see `useZodCompilers`), so zod is the only validator.
 */
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type AnyObject = z.ZodType<Record<string, unknown>>;
const empty = z.object({});

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
  /** Documents the 200 response; not used to serialize. */
  response?: z.ZodType;
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
  const issues = result.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw errors.badInput(issues.join('; '));
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
  if (spec.response) schema.response = { 200: toJsonSchema(spec.response, 'output') };
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
