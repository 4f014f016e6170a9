import { createServer, type Server } from 'node:http';
import { type GaugeReading, MetricsRegistry } from '../common/metrics-registry.ts';
import type { StreamHealth } from './stream-consumer.ts';

export interface DependencyProbe {
  name: string;
  /** Resolves true when the dependency answers; must not throw. */
  check(): Promise<boolean>;
}

/**
 * The stream worker's own health port: `/healthz` (process alive), `/readyz` (503 naming what is degraded: a sink
 * that keeps failing or a dependency that does not answer), `/metrics` (Prometheus text, common/metrics-registry.ts). Read-only, no secrets,
 * so no auth (like the API's health routes).
 */
export function startHealthServer(
  port: number,
  host: string,
  health: () => StreamHealth,
  probes: DependencyProbe[] = [],
): Promise<Server> {
  const metrics = streamMetrics(health);
  const server = createServer(async (req, res) => {
    const h = health();
    if (req.url === '/healthz') return reply(res, 200, { status: 'ok' });
    if (req.url === '/readyz') {
      const checks = await Promise.all(probes.map(async (p) => ((await p.check()) ? null : `${p.name} unreachable`)));
      const degraded = [...(h.degraded ? [h.degraded] : []), ...checks.filter((c): c is string => c !== null)];
      const ready = h.running && degraded.length === 0;
      return reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'degraded', degraded });
    }
    if (req.url === '/metrics') {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType });
      return res.end(text);
    }
    reply(res, 404, { error: { code: 'DG_ERR_NOT_FOUND', message: 'not found' } });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** One sample per consumer group when the worker runs several (ingest, stage 2); else one unlabelled sample. */
function consumedReading(h: StreamHealth): GaugeReading {
  const groups = Object.entries(h.consumedByGroup ?? {});
  if (groups.length === 0) return h.consumed;
  return groups.map(([group, value]) => ({ labels: { group }, value }));
}

/** The worker's series, each read from the latest health at scrape time. */
function streamMetrics(health: () => StreamHealth): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.total('dg_stream_consumed_total', 'Messages consumed, per consumer group', () => consumedReading(health()), [
    'group',
  ]);
  registry.total('dg_stream_flushed_events_total', 'Valid events accepted by every sink', () => health().flushedEvents);
  registry.total('dg_stream_dead_letters_total', 'Records sent to the dead-letter topic', () => health().deadLetters);
  registry.gauge('dg_stream_degraded', '1 while a sink keeps failing', () => (health().degraded ? 1 : 0));
  registry.gauge('dg_stream_buffered_records', 'Records waiting for the next flush', () => health().buffered);
  return registry;
}
