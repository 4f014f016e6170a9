import type {
  ContextConfigDefault,
  FastifySchema,
  HTTPMethods,
  LogLevel,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Role } from '../auth/principal.ts';
import type { RoutePlugin } from './deps.ts';

/** Who may call a route: the roles besides admin (admin passes every check, auth-hook.ts), or `public` (no token). */
interface Access {
  roles: readonly Role[] | 'public';
  /** The route's own log level (fastify's per-request "incoming request"/"request completed" lines are `info`). */
  logLevel?: LogLevel;
}
/** The role lists most routes share: triage reads, and triage changes. */
export const readers = ['analyst', 'investigator'] as const;
export const analysts = ['analyst'] as const;

type Handler<S extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  S,
  ZodTypeProvider
>;

/**
 * The route methods of one file of ./routes: each takes the path, the route's zod schema (params, querystring,
 * headers, body, a response per status, summary) with its `roles`, and a handler typed from that schema. The file's
 * OpenAPI `tags` go on every route; `roles` become the `config` auth-hook.ts checks and route-docs.ts documents.
 */
export function routesOf(app: Parameters<RoutePlugin>[0], tags: string[]) {
  const add =
    (method: HTTPMethods) =>
    <const S extends FastifySchema>(url: string, { roles, logLevel, ...schema }: S & Access, handler: Handler<S>) => {
      const config = roles === 'public' ? { public: true } : { roles: [...roles] };
      // The handler was typed from S above; fastify sees the schema as a plain FastifySchema.
      app.route<RouteGenericInterface, ContextConfigDefault, FastifySchema>({
        method,
        url,
        schema: { tags, ...schema },
        config,
        ...(logLevel && { logLevel }),
        handler: handler as Handler<FastifySchema>,
      });
    };
  return { get: add('GET'), post: add('POST'), patch: add('PATCH'), delete: add('DELETE') };
}
