import { z } from 'zod';
import type { ReadinessCheck, RoutePlugin } from '../deps.ts';
import { textResponse } from '../route-docs.ts';

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
  const checks: ReadinessCheck[] = [
    { name: 'clickhouse', required: true, check: () => deps.clickhouse.ping() },
    ...(deps.readiness ?? []),
  ];
  const tags = ['health'];

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags,
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      config: { public: true },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness of each dependency; 503 when a required one is down',
        tags,
        response: { 200: readinessSchema, 503: readinessSchema.describe(NOT_READY) },
      },
      config: { public: true },
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

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags,
        response: { 200: textResponse('text/plain') },
      },
      config: { roles: ['analyst', 'investigator', 'gateway'] },
    },
    async (_request, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  );
};
export default healthRoutes;
