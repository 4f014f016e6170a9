import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import type { MetricsRegistry } from '../common/metrics-registry.ts';
import type { HistogramSeries } from '../common/series-histogram.ts';

const LABEL_NAMES = ['method', 'route', 'status'];

interface Series {
  labels: { method: string; route: string; status: string };
  latency: HistogramSeries;
  requests: number;
}

type RecordRequest = (request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Request latency histogram and request counter by method, route template (never the raw URL, which may carry ids)
 * and status. Each route gets its own onResponse hook as it registers, holding its series per method and status, so
 * a request costs two map lookups and an observation: no label object, route-options object or label hashing. The
 * counter is the series' totals read at scrape time. Requests no route matched are counted as route `unmatched`.
 * Call it before any route registers.
 */
export function installRequestMetrics(app: FastifyInstance, metrics: MetricsRegistry): void {
  const latency = metrics.histogram('distillguard_http_request_duration_seconds', 'API request latency');
  const all: Series[] = [];
  metrics.total(
    'distillguard_http_requests_total',
    'API requests by route and status',
    () => all.map((s) => ({ labels: s.labels, value: s.requests })),
    LABEL_NAMES,
  );
  const recorderOf = (route: string): RecordRequest => {
    const byMethod = new Map<string, Map<number, Series>>();
    return (request, reply) => {
      let byStatus = byMethod.get(request.method);
      if (byStatus === undefined) {
        byStatus = new Map();
        byMethod.set(request.method, byStatus);
      }
      let series = byStatus.get(reply.statusCode);
      if (series === undefined) {
        const labels = { method: request.method, route, status: String(reply.statusCode) };
        series = { labels, latency: latency.series(labels), requests: 0 };
        byStatus.set(reply.statusCode, series);
        all.push(series);
      }
      series.latency.observe(reply.elapsedTime / 1000);
      series.requests += 1;
    };
  };
  const hookOf =
    (record: RecordRequest): onResponseHookHandler =>
    (request, reply, done) => {
      record(request, reply);
      done();
    };
  const unmatched = recorderOf('unmatched');
  // Runs for every request; only requests no route matched are recorded here, the others by their route's hook.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched(request, reply);
    done();
  });
  app.addHook('onRoute', (route) => {
    const own =
      route.onResponse === undefined ? [] : Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse];
    route.onResponse = [...own, hookOf(recorderOf(route.url))];
  });
}
