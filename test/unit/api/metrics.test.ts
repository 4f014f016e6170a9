import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from '../../../services/api/metrics.ts';

test('counters, cumulative histogram buckets and gauges render in the Prometheus text format', () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter('dg_requests_total', 'Requests');
  counter.inc({ route: '/a' });
  counter.inc({ route: '/a' }, 2);
  counter.inc({ route: 'say "hi"\n' });
  const histogram = registry.histogram('dg_latency_seconds', 'Latency', [0.1, 1]);
  histogram.observe({}, 0.05);
  histogram.observe({}, 0.5);
  histogram.observe({}, 3);
  registry.gauge('dg_lag', 'Lag', () => [{ labels: { partition: '0' }, value: 7 }]);
  assert.equal(
    registry.render(),
    [
      '# HELP dg_requests_total Requests',
      '# TYPE dg_requests_total counter',
      'dg_requests_total{route="/a"} 3',
      'dg_requests_total{route="say \\"hi\\"\\n"} 1',
      '# HELP dg_latency_seconds Latency',
      '# TYPE dg_latency_seconds histogram',
      'dg_latency_seconds_bucket{le="0.1"} 1',
      'dg_latency_seconds_bucket{le="1"} 2',
      'dg_latency_seconds_bucket{le="+Inf"} 3',
      'dg_latency_seconds_sum 3.55',
      'dg_latency_seconds_count 3',
      '# HELP dg_lag Lag',
      '# TYPE dg_lag gauge',
      'dg_lag{partition="0"} 7',
      '',
    ].join('\n'),
  );
});

test('names are validated and registered once', () => {
  const registry = new MetricsRegistry();
  registry.counter('dg_x', 'x');
  assert.throws(() => registry.counter('dg_x', 'again'), /already registered/);
  assert.throws(() => registry.gauge('dg-bad', 'bad', () => 1), /invalid metric name/);
});
