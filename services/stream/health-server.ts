import { createServer, type Server } from 'node:http';
import type { StreamHealth } from './stream-consumer.ts';

export interface DependencyProbe {
  name: string;
  /** Resolves true when the dependency answers; must not throw. */
  check(): Promise<boolean>;
}

/**
 * The stream worker's own health port: `/healthz` (process alive), `/readyz` (503 naming what is degraded: a sink
 * that keeps failing or a dependency that does not answer), `/metrics` (Prometheus text). Read-only, no secrets,
 * so no auth (like the API's health routes).
 */
export function startHealthServer(
  port: number,
  host: string,
  health: () => StreamHealth,
  probes: DependencyProbe[] = [],
): Promise<Server> {
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
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(renderMetrics(h));
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

type Sample = [labels: string, value: number];

/** One sample per consumer group when the worker runs several (ingest, stage 2); else one unlabelled sample. */
function consumedSamples(h: StreamHealth): Sample[] {
  const groups = Object.entries(h.consumedByGroup ?? {});
  if (groups.length === 0) return [['', h.consumed]];
  return groups.map(([group, n]) => [`{group=${JSON.stringify(group)}}`, n]);
}

function renderMetrics(h: StreamHealth): string {
  const metrics: Array<[name: string, type: string, help: string, samples: Sample[]]> = [
    ['dg_stream_consumed_total', 'counter', 'Messages consumed, per consumer group', consumedSamples(h)],
    ['dg_stream_flushed_events_total', 'counter', 'Valid events accepted by every sink', [['', h.flushedEvents]]],
    ['dg_stream_dead_letters_total', 'counter', 'Records sent to the dead-letter topic', [['', h.deadLetters]]],
    ['dg_stream_degraded', 'gauge', '1 while a sink keeps failing', [['', h.degraded ? 1 : 0]]],
    ['dg_stream_buffered_records', 'gauge', 'Records waiting for the next flush', [['', h.buffered]]],
  ];
  return metrics
    .map(([name, type, help, samples]) =>
      [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([l, v]) => `${name}${l} ${v}`)].join('\n'),
    )
    .join('\n')
    .concat('\n');
}
