import { z } from 'zod';
import type { ReadinessCheck, RoutePlugin } from '../deps.ts';
import { textResponse } from '../route-docs.ts';
import { routesOf } from '../typed-routes.ts';

const NOT_READY = 'A required dependency is down';
const readinessSchema = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), required: z.boolean() })),
  degraded: z.array(z.string()),
});

async function runCheck(check: ReadinessCheck): Promise<boolean> {
  try {
    return await check.check();
  } catch {
    return false;
  }
}

/** Liveness, readiness (each dependency, 503 when a required one is down) and Prometheus metrics. */
const healthRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['health']);
  const checks: ReadinessCheck[] = [
    { name: 'clickhouse', required: true, check: () => deps.clickhouse.ping() },
    ...(deps.readiness ?? []),
  ];

  route.get(
    '/healthz',
    {
      roles: 'public',
      summary: 'Liveness: the process answers',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    async () => ({ status: 'ok' as const }),
  );

  route.get(
    '/readyz',
    {
      roles: 'public',
      summary: 'Readiness of each dependency; 503 when a required one is down',
      response: { 200: readinessSchema, 503: readinessSchema.describe(NOT_READY) },
    },
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (c) => ({ c, ok: await runCheck(c) })));
      const degraded = results.filter((r) => !r.ok).map((r) => r.c.name);
      const down = results.some((r) => !r.ok && r.c.required);
      return reply.code(down ? 503 : 200).send({
        status: down ? 'not_ready' : degraded.length ? 'degraded' : 'ready',
        checks: Object.fromEntries(results.map((r) => [r.c.name, { ok: r.ok, required: r.c.required }])),
        degraded,
      });
    },
  );

  route.get(
    '/metrics',
    {
      roles: ['analyst', 'investigator', 'gateway'],
      summary: 'Prometheus metrics (text exposition format)',
      response: { 200: textResponse('text/plain') },
    },
    async (_request, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
};
export default healthRoutes;
