import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps, ReadinessCheck } from '../deps.ts';
import { route } from '../zod-route.ts';

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
export default async function healthRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const checks: ReadinessCheck[] = [
    { name: 'clickhouse', required: true, check: () => deps.clickhouse.ping() },
    ...(deps.readiness ?? []),
  ];

  route(app, {
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness: the process answers',
    tags: ['health'],
    public: true,
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' }),
  });

  route(app, {
    method: 'GET',
    url: '/readyz',
    summary: 'Readiness of each dependency; 503 when a required one is down',
    tags: ['health'],
    public: true,
    response: readinessSchema,
    otherResponses: { 503: readinessSchema },
    handler: async ({ reply }) => {
      const results = await Promise.all(checks.map(async (c) => ({ c, ok: await runCheck(c) })));
      const degraded = results.filter((r) => !r.ok).map((r) => r.c.name);
      const down = results.some((r) => !r.ok && r.c.required);
      const body = {
        status: down ? 'not_ready' : degraded.length ? 'degraded' : 'ready',
        checks: Object.fromEntries(results.map((r) => [r.c.name, { ok: r.ok, required: r.c.required }])),
        degraded,
      };
      return reply.code(down ? 503 : 200).send(body);
    },
  });

  route(app, {
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics (text exposition format)',
    tags: ['health'],
    roles: ['analyst', 'investigator', 'gateway'],
    produces: ['text/plain'],
    handler: async ({ reply }) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()),
  });
}
