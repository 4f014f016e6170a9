import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Role } from '../auth/principal.ts';
import { isModuleFile } from '../common/runtime-paths.ts';
import { createAuthFailureLimit } from './auth-failure-limit.ts';
import { installAuth, markPublicPrefixes } from './auth-hook.ts';
import type { AppDeps } from './deps.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler.ts';
import { installRateLimit } from './rate-limit-hook.ts';
import { installRequestMetrics } from './request-metrics.ts';
import { documentRoutes } from './route-docs.ts';
import { createTokenRateLimit } from './token-rate-limit.ts';
import { badInputOf, serializeResponses, validateRequest } from './zod-compilers.ts';

const ROUTES_DIR = fileURLToPath(new URL('./routes/', import.meta.url));
/** Gateways ask for a decision on every model call, so their budget is this many times larger. */
const GATEWAY_RATE_FACTOR = 20;
/** Path parameters are length-checked by each route's zod schema (a 400 naming the field), not by the router. */
const MAX_PARAM_LENGTH = 1_024;

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    transform: jsonSchemaTransform,
    openapi: {
      openapi: '3.1.0',
      info: { title: 'DistillGuard triage API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

/** Requests per token per minute: `DG_API_RATE_LIMIT_PER_MIN`, gateways GATEWAY_RATE_FACTOR times that. */
function perMinuteOf(deps: AppDeps): (role: Role) => number {
  const perMin = deps.config.api.rateLimitPerMin;
  return (role) => (role === 'gateway' ? perMin * GATEWAY_RATE_FACTOR : perMin);
}

/** Every plugin in ./routes, each `export default async function (app, { deps })`, in file-name order. */
async function registerRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const files = readdirSync(ROUTES_DIR).filter(isModuleFile).sort();
  for (const file of files) {
    const plugin = (await import(new URL(`./routes/${file}`, import.meta.url).href)) as {
      default: FastifyPluginAsync<{ deps: AppDeps }>;
    };
    await app.register(plugin.default, { deps });
  }
}

/** Builds the API without listening, so tests drive it with `inject()` and `main` decides where it listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }),
    bodyLimit: deps.config.api.bodyLimitBytes,
    trustProxy: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    schemaErrorFormatter: badInputOf,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validateRequest);
  app.setSerializerCompiler(serializeResponses(deps.config.api.validateResponses));
  documentRoutes(app);
  installErrorHandler(app);
  installRequestMetrics(app, deps.metrics);
  // Auth is given to each route as it registers, so it goes before every plugin that registers routes.
  markPublicPrefixes(app);
  installAuth(
    app,
    deps.tokens,
    createAuthFailureLimit({ maxPerMin: deps.config.api.authFailuresPerMin, now: deps.now }),
  );
  installRateLimit(app, createTokenRateLimit({ windowMs: 60_000, now: deps.now }), perMinuteOf(deps));
  await registerDocs(app);
  await registerRoutes(app, deps);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
