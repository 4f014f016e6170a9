import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '../common/metrics-registry.ts';

/** Request latency histogram by route template (never the raw URL, which may carry ids). */
export function installRequestMetrics(app: FastifyInstance, metrics: MetricsRegistry): void {
  const latency = metrics.histogram('distillguard_http_request_duration_seconds', 'API request latency');
  const requests = metrics.counter('distillguard_http_requests_total', 'API requests by route and status');
  // A callback hook, not an async one: no promise per response.
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    latency.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
    done();
  });
}
