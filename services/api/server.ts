import type { FastifyInstance } from 'fastify';
import { createActionsServiceFromConfig } from '../actions/actions-boot.ts';
import { type ActionsRunner, startActionsRunner } from '../actions/actions-runner.ts';
import type { ActionsService } from '../actions/actions-service.ts';
import { createSuppressionCheck } from '../alerts-store/suppression-store.ts';
import { createTokenStore } from '../auth/token-store.ts';
import { clusterCasePolicy } from '../cases/case-policy.ts';
import { createCaseProjector } from '../cases/case-projector.ts';
import { createClickHouse } from '../common/clickhouse/client.ts';
import { migrate } from '../common/clickhouse/migrations.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { MetricsRegistry } from '../common/metrics-registry.ts';
import { withRetry } from '../common/retry.ts';
import { createKafka, lazyConnect } from '../consumer/kafka-client.ts';
import { buildApp } from './app.ts';
import type { ReadinessCheck } from './deps.ts';
import { registerStreamMetrics, startStreamSampler } from './stream-metrics.ts';
import { startSummaryLog } from './summary-log.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops listening, then the actions runner and service, then ClickHouse. Safe to call twice. */
  close(): Promise<void>;
}

const SUPPRESSION_TTL_MS = 10_000;

/** Kafka answers a metadata request; reported by /readyz, required only when actions run here. */
function kafkaCheck(config: Config, logger: Logger, required: boolean): ReadinessCheck & { close(): Promise<void> } {
  const admin = createKafka(config.kafka, logger).admin();
  const connect = lazyConnect(admin);
  return {
    close: () => admin.disconnect(),
    name: 'kafka',
    required,
    async check() {
      await connect();
      return (await admin.describeCluster()).brokers.length > 0;
    },
  };
}

/** What the summary line adds in `serve`: the breaker's state and the automatic actions it counted. */
function actionsSummary(actions: ActionsService) {
  const breaker = actions.breakerStatus(Date.now());
  return {
    automatic_actions_in_window: breaker.overall.count,
    breaker: breaker.open ? 'open' : 'closed',
    held_back: breaker.recommendations_while_open,
  };
}

/**
 * The API process: ClickHouse (migrated), the actions service and its alert consumer, the projection of alerts into
 * cases, and the HTTP listener.
 */
export async function startServer(
  config: Config,
  logger: Logger,
  options: { actions: boolean },
): Promise<RunningServer> {
  const ch = createClickHouse(config.clickhouse);
  if (config.stream.migrateOnStart) await withRetry(() => migrate(ch, logger), { retries: 5 });
  let actions: ActionsService | undefined;
  let runner: ActionsRunner | undefined;
  if (options.actions) {
    actions = createActionsServiceFromConfig(config, logger, { clickhouse: ch });
    await actions.start();
    const suppression = createSuppressionCheck(ch, { ttlMs: SUPPRESSION_TTL_MS, now: Date.now });
    runner = await startActionsRunner(config, logger, { actions, isSuppressed: (a) => suppression.isSuppressed(a) });
  }
  const kafka = kafkaCheck(config, logger, options.actions);
  const metrics = new MetricsRegistry();
  if (actions) {
    const engine = actions;
    metrics.gauge(
      'distillguard_automatic_actions_in_window',
      'Automatic actions counted by the circuit breaker',
      () => engine.breakerStatus(Date.now()).overall.count,
    );
    metrics.gauge('distillguard_circuit_breaker_open', '1 while automatic actions become recommendations', () =>
      engine.breakerStatus(Date.now()).open ? 1 : 0,
    );
  }
  const sampler = startStreamSampler(createKafka(config.kafka, logger).admin(), config, logger);
  registerStreamMetrics(metrics, sampler);
  const stopSummary = startSummaryLog(logger, config.log.summaryIntervalS, sampler.latest, () =>
    actions ? actionsSummary(actions) : { actions: 'not running here' },
  );
  const app = await buildApp({
    config,
    logger,
    clickhouse: ch,
    tokens: createTokenStore(ch, { cacheMs: config.api.tokenCacheMs, now: Date.now }),
    now: Date.now,
    metrics,
    readiness: [kafka],
    ...(actions ? { actions } : {}),
  });
  const cases = createCaseProjector(ch, {
    now: Date.now,
    logger,
    ...(actions && { onClusterCases: clusterCasePolicy(ch, actions) }),
  });
  cases.start();
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  let closing: Promise<void> | null = null;
  return {
    app,
    url,
    close() {
      closing ??= (async () => {
        await app.close();
        await cases.close();
        await runner?.stop();
        await actions?.close();
        await kafka.close();
        stopSummary();
        await sampler.stop();
        await ch.close();
      })();
      return closing;
    },
  };
}
