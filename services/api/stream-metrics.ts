import type { Admin } from 'kafkajs';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import type { MetricsRegistry } from '../common/metrics-registry.ts';
import { lazyConnect } from '../consumer/kafka-client.ts';

type Offsets = Array<{ partition: number; offset: string }>;

/** Messages between a group's committed offsets and the end of the topic, summed over partitions. */
export function consumerLag(end: Offsets, committed: Offsets): number {
  const done = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return end.reduce((lag, p) => {
    const at = done.get(p.partition) ?? -1;
    // -1 means the group has not committed yet: everything retained counts as behind (upper bound).
    return lag + Math.max(0, Number(p.offset) - Math.max(at, 0));
  }, 0);
}

export const totalOffsets = (end: Offsets): number => end.reduce((n, p) => n + Number(p.offset), 0);

/** One look at the pipeline's topics and groups. */
export interface StreamSample {
  at: number;
  eventsEnd: number;
  /** Events entering `usage-events` per second since the previous sample (0 for the first). */
  eventsPerSecond: number;
  /** Messages behind the end of `usage-events`, per consumer group (ingest, stage 2). */
  lag: Record<string, number>;
  /** Records on the alerts and key-actions topics. */
  alerts: number;
  keyActions: number;
}

export interface StreamSampler {
  latest(): StreamSample | null;
  stop(): Promise<void>;
}

/**
 * Samples Kafka every `intervalMs` for the pipeline's throughput figures: events/s entering `usage-events`, consumer
 * lag of the ingest and stage-2 groups, alerts and key-action records produced. A failed sample is logged and the
 * previous one kept.
 */
export function startStreamSampler(admin: Admin, config: Config, logger: Logger, intervalMs = 15_000): StreamSampler {
  const { topics, groups } = config.kafka;
  let last: StreamSample | null = null;
  const connect = lazyConnect(admin);
  const sample = async (): Promise<void> => {
    await connect();
    // Only topics that exist: asking for a missing one makes kafkajs retry and log errors for a long while.
    const existing = new Set(await admin.listTopics());
    const offsetsOf = (topic: string) => (existing.has(topic) ? admin.fetchTopicOffsets(topic) : Promise.resolve([]));
    const [events, alerts, actions] = await Promise.all(
      [topics.events, topics.alerts, topics.keyActions].map(offsetsOf),
    );
    const lag: Record<string, number> = {};
    for (const group of existing.has(topics.events) ? [groups.ingest, groups.coordination] : []) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topics.events] });
      lag[group] = consumerLag(events ?? [], committed?.partitions ?? []);
    }
    const at = Date.now();
    const eventsEnd = totalOffsets(events ?? []);
    const eventsPerSecond = last ? Math.max(0, ((eventsEnd - last.eventsEnd) * 1000) / Math.max(1, at - last.at)) : 0;
    last = {
      at,
      eventsEnd,
      eventsPerSecond,
      lag,
      alerts: totalOffsets(alerts ?? []),
      keyActions: totalOffsets(actions ?? []),
    };
  };
  const tick = () => sample().catch((error) => logger.warn({ err: error }, 'stream metrics sample failed'));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    latest: () => last,
    async stop() {
      clearInterval(timer);
      await admin.disconnect();
    },
  };
}

/** The sampler's figures as Prometheus gauges. */
export function registerStreamMetrics(registry: MetricsRegistry, sampler: StreamSampler): void {
  const last = () => sampler.latest();
  registry.gauge(
    'distillguard_events_per_second',
    'Events entering usage-events per second (last interval)',
    () => last()?.eventsPerSecond ?? 0,
  );
  registry.gauge(
    'distillguard_consumer_lag',
    'Messages behind the end of usage-events, per consumer group',
    () => Object.entries(last()?.lag ?? {}).map(([group, value]) => ({ labels: { group }, value })),
    ['group'],
  );
  registry.gauge('distillguard_alerts_produced', 'Alert records on the alerts topic', () => last()?.alerts ?? 0);
  registry.gauge('distillguard_key_action_records', 'Records on the key-actions topic', () => last()?.keyActions ?? 0);
  registry.gauge('distillguard_stream_metrics_age_seconds', 'Age of the Kafka sample behind these gauges', () => {
    const at = last()?.at;
    return at === undefined ? -1 : (Date.now() - at) / 1000;
  });
}
