import { type ClickHouse, createClickHouse } from '../common/clickhouse/client.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { createKafka } from '../consumer/kafka-client.ts';
import { createClickHouseActionAudit } from './action-audit.ts';
import type { KeyAction } from './action-schema.ts';
import { type ActionsService, createActionsService } from './actions-service.ts';
import type { BreakerTrip } from './circuit-breaker.ts';
import { createKafkaKeyActionsTopic } from './key-actions-topic.ts';
import { createKeyInfoLookup } from './key-info.ts';
import { DEFAULT_POLICY_FILE, loadPolicy } from './policy.ts';
import { createLimitRecommender } from './recommend-limits.ts';

export interface ActionsBootOptions {
  /** A shared ClickHouse client (not closed by the service); a private one is created when absent. */
  clickhouse?: ClickHouse;
  onBreakerTrip?: (trip: BreakerTrip) => void;
  onActions?: (actions: KeyAction[]) => void;
  clock?: () => number;
}

/** The actions service wired to ClickHouse and Kafka from configuration; call `start()` before serving decisions. */
export function createActionsServiceFromConfig(
  config: Config,
  logger: Logger,
  options: ActionsBootOptions = {},
): ActionsService {
  const a = config.actions;
  const ch = options.clickhouse ?? createClickHouse(config.clickhouse);
  const policy = loadPolicy(a.policyFile || DEFAULT_POLICY_FILE, a.modeOverride);
  const topic = createKafkaKeyActionsTopic({
    kafka: createKafka(config.kafka, logger),
    topic: config.kafka.topics.keyActions,
    partitions: a.topicPartitions,
    replicationFactor: config.kafka.replicationFactor,
    readerGroupPrefix: a.readerGroupPrefix,
    rebuildTimeoutMs: a.rebuildTimeoutMs,
    logger,
  });
  return createActionsService({
    policy,
    breaker: a.breaker,
    audit: createClickHouseActionAudit(ch, { ownsClient: options.clickhouse === undefined }),
    topic,
    recommend: createLimitRecommender(ch, {
      headroom: a.recommendHeadroom,
      minActiveMinutes: a.recommendMinMinutes,
      throttle: a.throttle,
      timeoutMs: a.recommendTimeoutMs,
    }),
    keyInfo: createKeyInfoLookup(ch),
    backfillLagMs: a.backfillLagMs,
    baselineMs: a.throttle.baselineMs,
    sweepIntervalMs: a.sweepIntervalMs,
    logger,
    ...(options.clock && { clock: options.clock }),
    ...(options.onBreakerTrip && { onBreakerTrip: options.onBreakerTrip }),
    ...(options.onActions && { onActions: options.onActions }),
  });
}
