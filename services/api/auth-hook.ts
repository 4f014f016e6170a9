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
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
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
    /** null until auth sets it (declared up front, so setting it keeps the request object's shape). */
    principal: Principal | null;
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

/** Sets the principal, or throws 403 when its role may not call the route. */
function admit(request: FastifyRequest, principal: Principal, roles: Role[], url: string): void {
  request.principal = principal;
  if (!roleAllowed(principal.role, roles))
    throw errors.forbidden(`role ${principal.role} may not call ${request.method} ${url}`);
}

/** Authenticates the request (401) and checks the route's roles (403). Throws coded errors. */
async function authorize(request: FastifyRequest, authenticate: Authenticate, roles: Role[], url: string) {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw errors.unauthorized('missing bearer token');
  const principal = await authenticate(token);
  if (!principal) throw errors.unauthorized('invalid or revoked token');
  admit(request, principal, roles, url);
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

/**
 * The onRequest hook of one route. A token this instance verified within DG_API_TOKEN_CACHE_MS is answered from the
 * cache without a promise (the gateway's hot path); anything else takes the failure limit, then the token store.
 */
function routeAuth(tokens: TokenStore, failures: AuthFailureLimit, roles: Role[], url: string): onRequestHookHandler {
  const lookup: Authenticate = (token) => tokens.authenticate(token);
  return (request, reply, done) => {
    const token = bearerToken(request.headers.authorization);
    const cached = token ? tokens.cachedPrincipal(token) : null;
    if (cached) {
      try {
        admit(request, cached, roles, url);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
      return;
    }
    const waitMs = failures.retryAfterMs(request.ip);
    authorize(request, waitMs > 0 ? cachedOnly(tokens, reply, waitMs) : lookup, roles, url).then(
      () => done(),
      (error: Error) => {
        if (isUnauthorized(error)) failures.recordFailure(request.ip);
        done(error);
      },
    );
  };
}

const hooksOf = (hooks: onRequestHookHandler | onRequestHookHandler[] | undefined) =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];

/**
 * Gives every route registered after this call, unless it is public, its own first onRequest hook with its roles
 * (no per-request lookup of the route's options). Call it
 * before any route or plugin that registers routes; not-found answers run no route hooks and need no token.
 */
export function installAuth(app: FastifyInstance, tokens: TokenStore, failures: AuthFailureLimit): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const auth = routeAuth(tokens, failures, route.config?.roles ?? [], route.url);
    route.onRequest = [auth, ...hooksOf(route.onRequest as onRequestHookHandler | onRequestHookHandler[])];
  });
}

/** The principal of an authorized request; routes call it instead of reading the optional field. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw errors.unauthorized('no principal on request');
  return request.principal;
}
