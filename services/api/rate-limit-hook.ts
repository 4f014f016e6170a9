import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Role } from '../auth/principal.ts';
import { errors } from '../common/errors.ts';
import type { TokenRateLimit } from './token-rate-limit.ts';

/**
 * Gives every route that is not public its own preHandler (after auth and input validation, so a 400 is not
 * counted) counting the request against its token's budget: `maxOf(role)` requests per window. Every answer carries
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds); past the budget the request is a
 * 429 DG_ERR_RATE_LIMITED with `retry-after`. A callback hook: no promise per request. Call it before any route
 * registers, after installAuth.
 */
export function installRateLimit(app: FastifyInstance, limit: TokenRateLimit, maxOf: (role: Role) => number): void {
  const hook: preHandlerHookHandler = (request, reply, done) => {
    // Auth ran first on every route that is not public, so the principal is set.
    const principal = request.principal;
    if (!principal) {
      done(errors.unauthorized('no principal on request'));
      return;
    }
    const max = maxOf(principal.role);
    const { exceeded, remaining, resetS } = limit.take(principal.tokenId, max);
    const reset = String(resetS);
    reply.header('x-ratelimit-limit', String(max));
    reply.header('x-ratelimit-remaining', String(remaining));
    reply.header('x-ratelimit-reset', reset);
    if (!exceeded) {
      done();
      return;
    }
    reply.header('retry-after', reset);
    done(errors.rateLimited(`rate limit of ${max} requests per minute exceeded`));
  };
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const own =
      route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [hook, ...own];
  });
}
