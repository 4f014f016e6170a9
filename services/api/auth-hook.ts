/**
 * Route authorization, one rule for every route plugin:
 * - Every route needs `Authorization: Bearer <token>` unless it declares `config: { public: true }`.
 * - A route names the roles that may call it: `app.get(url, { config: { roles: ['gateway', 'analyst'] } }, handler)`.
 *   `admin` passes every check, so it never needs listing. A non-public route without `roles` is admin-only.
 * - Missing, malformed, unknown or revoked token → 401 DG_ERR_UNAUTHORIZED; valid token, role not listed → 403.
 * - A client IP past its budget of failed authentications (DG_API_AUTH_FAILURES_PER_MIN) gets 429
 *   DG_ERR_RATE_LIMITED with Retry-After before its token is looked up, unless the token is one the API verified
 *   recently (a fresh cache entry), so clients sharing an address with an attacker keep working.
 * - After the hook, `request.principal` is `{ tokenId, name, role }` (never the token text).
 * `routesOf` (typed-routes.ts), which every file of ./routes uses, sets this `config` from each route's `roles`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../auth/principal.ts';
import { roleAllowed } from '../auth/principal.ts';
import { bearerToken } from '../auth/token-secret.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { DistillGuardError, errors } from '../common/errors.ts';
import type { AuthFailureLimit } from './auth-failure-limit.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    roles?: Role[];
    public?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Route prefixes registered by plugins we do not write (Swagger UI); they serve no data. */
const PUBLIC_PREFIXES = ['/docs'];

/** Marks third-party documentation routes public; must be added before those plugins register. */
export function markPublicPrefixes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (PUBLIC_PREFIXES.some((p) => route.url === p || route.url.startsWith(`${p}/`)))
      route.config = { ...(route.config ?? {}), public: true };
  });
}

type Authenticate = (token: string) => Promise<Principal | null>;

/** Authenticates the request (401) and checks the route's roles (403). Throws coded errors. */
async function authorize(request: FastifyRequest, authenticate: Authenticate): Promise<void> {
  const config = request.routeOptions.config;
  if (config?.public || request.is404) return;
  const token = bearerToken(request.headers.authorization);
  if (!token) throw errors.unauthorized('missing bearer token');
  const principal = await authenticate(token);
  if (!principal) throw errors.unauthorized('invalid or revoked token');
  request.principal = principal;
  const allowed = config?.roles ?? [];
  if (!roleAllowed(principal.role, allowed))
    throw errors.forbidden(`role ${principal.role} may not call ${request.method} ${request.routeOptions.url}`);
}

const isUnauthorized = (error: unknown) => error instanceof DistillGuardError && error.code === 'DG_ERR_UNAUTHORIZED';

/** For a client past its failure budget: recently verified tokens pass, anything else is a 429 without a lookup. */
function cachedOnly(tokens: TokenStore, reply: FastifyReply, waitMs: number): Authenticate {
  return async (token) => {
    const principal = tokens.cachedPrincipal(token);
    if (principal) return principal;
    reply.header('retry-after', `${Math.ceil(waitMs / 1_000)}`);
    throw errors.rateLimited('too many failed authentications from this address; retry later');
  };
}

/** Installs the failed-authentication limit and `authorize` as the first onRequest hook of the app. */
export function installAuth(app: FastifyInstance, tokens: TokenStore, failures: AuthFailureLimit): void {
  const lookup: Authenticate = (token) => tokens.authenticate(token);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.public || request.is404) return;
    const waitMs = failures.retryAfterMs(request.ip);
    try {
      await authorize(request, waitMs > 0 ? cachedOnly(tokens, reply, waitMs) : lookup);
    } catch (error) {
      if (isUnauthorized(error)) failures.recordFailure(request.ip);
      throw error;
    }
  });
}

/** The principal of an authorized request; routes call it instead of reading the optional field. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw errors.unauthorized('no principal on request');
  return request.principal;
}
