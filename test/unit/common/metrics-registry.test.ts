import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram as PromHistogram, Registry } from 'prom-client';
import { MetricsRegistry } from '../../../services/common/metrics-registry.ts';

test('counters, cumulative histogram buckets and gauges render in the Prometheus text format', async () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter('dg_requests_total', 'Requests');
  counter.inc({ route: '/a' });
  counter.inc({ route: '/a' }, 2);
  counter.inc({ route: 'say "hi"\n' });
  const histogram = registry.histogram('dg_latency_seconds', 'Latency', [0.1, 1]);
  histogram.observe({}, 0.05);
  histogram.observe({}, 0.5);
  histogram.observe({}, 3);
  registry.gauge('dg_lag', 'Lag', () => [{ labels: { partition: '0' }, value: 7 }], ['partition']);
  registry.counter('dg_never_incremented_total', 'Not exposed until its first increment fixes its labels');
  assert.equal(
    await registry.render(),
    [
      '# HELP dg_requests_total Requests',
      '# TYPE dg_requests_total counter',
      'dg_requests_total{route="/a"} 3',
      'dg_requests_total{route="say \\"hi\\"\\n"} 1',
      '',
      '# HELP dg_latency_seconds Latency',
      '# TYPE dg_latency_seconds histogram',
      'dg_latency_seconds_bucket{le="0.1"} 1',
      'dg_latency_seconds_bucket{le="1"} 2',
      'dg_latency_seconds_bucket{le="+Inf"} 3',
      'dg_latency_seconds_sum 3.55',
      'dg_latency_seconds_count 3',
      '',
      '# HELP dg_lag Lag',
      '# TYPE dg_lag gauge',
      'dg_lag{partition="0"} 7',
      '',
    ].join('\n'),
  );
  assert.match(registry.contentType, /^text\/plain; version=0\.0\.4/);
});

test('a gauge shows only what it read at the latest scrape', async () => {
  const registry = new MetricsRegistry();
  let lag: Record<string, number> = { a: 1, b: 2 };
  registry.gauge('dg_lag', 'Lag', () => Object.entries(lag).map(([group, value]) => ({ labels: { group }, value })), [
    'group',
  ]);
  assert.match(await registry.render(), /dg_lag\{group="b"\} 2/);
  lag = { a: 5 };
  const text = await registry.render();
  assert.match(text, /dg_lag\{group="a"\} 5/);
  assert.doesNotMatch(text, /group="b"/);
});

test('names are validated and registered once; a counter keeps the label names of its first increment', () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter('dg_x', 'x');
  assert.throws(() => registry.counter('dg_x', 'again'), /already registered/);
  assert.throws(() => registry.gauge('dg-bad', 'bad', () => 1), /invalid metric name/);
  counter.inc({ action: 'resolve' });
  assert.throws(() => counter.inc({ other: 'x' }), /not included in initial labelset/);
});

test('a total kept elsewhere is read at each scrape and exposed as a counter', async () => {
  const registry = new MetricsRegistry();
  let consumed = [{ labels: { group: 'a' }, value: 3 }];
  registry.total('dg_consumed_total', 'Consumed', () => consumed, ['group']);
  assert.match(await registry.render(), /# TYPE dg_consumed_total counter\ndg_consumed_total\{group="a"\} 3\n/);
  consumed = [{ labels: { group: 'a' }, value: 5 }];
  assert.match(await registry.render(), /^dg_consumed_total\{group="a"\} 5$/m);
});

test('a histogram through resolved series renders exactly as prom-client would from the same observations', async () => {
  const registry = new MetricsRegistry();
  const ours = registry.histogram('dg_http_seconds', 'Latency');
  const promRegistry = new Registry();
  const theirs = new PromHistogram({
    name: 'dg_http_seconds',
    help: 'Latency',
    labelNames: ['method', 'route', 'status'],
    registers: [promRegistry],
  });
  const ok = { method: 'GET', route: '/v1/keys/:id/decision', status: '200' };
  const missing = { method: 'GET', route: 'unmatched', status: '404' };
  const okSeries = ours.series(ok);
  // Values on bucket bounds, between them, above the last and zero.
  for (const [labels, value] of [
    [ok, 0.005],
    [ok, 0.0051],
    [missing, 0],
    [ok, 0.25],
    [ok, 11],
    [missing, 1e-7],
  ] as const) {
    if (labels === ok) okSeries.observe(value);
    else ours.observe(labels, value);
    theirs.observe(labels, value);
  }
  assert.equal(await registry.render(), await promRegistry.metrics());
  assert.throws(() => ours.series({ method: 'GET', path: '/x' }), /not included in initial labelset/);
});
