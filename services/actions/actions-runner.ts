import type { Consumer, EachMessagePayload } from 'kafkajs';
import { type Alert, alertSchema } from '../../schemas/alert-v1.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import { withRetry } from '../common/retry.ts';
import { describeIssues } from '../common/zod-issues.ts';
import { createKafka, ensureTopics } from '../consumer/kafka-client.ts';
import type { ActionsService } from './actions-service.ts';

export interface ActionsRunnerDeps {
  actions: ActionsService;
  /** The API's suppression check; a suppressed alert yields recommendations only. */
  isSuppressed?: (alert: Alert) => boolean | Promise<boolean>;
}

export interface ActionsRunner {
  /** Alerts handled (valid records acted on or found to match no rule) since start. */
  handled(): number;
  /** Stops consuming after the alert in hand is handled and committed. Safe to call twice. */
  stop(): Promise<void>;
}

function parseAlert(value: Buffer | null): Alert | string {
  if (!value) return 'empty record';
  try {
    const parsed = alertSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : describeIssues(parsed.error);
  } catch {
    return 'not JSON';
  }
}

/**
 * Consumes the alerts topic in a consumer group and hands each alert to the actions service; the offset is committed
 * only after the alert was handled (action ids are deterministic, so a redelivery does not act twice).
 */
export async function startActionsRunner(
  config: Config,
  logger: Logger,
  deps: ActionsRunnerDeps,
): Promise<ActionsRunner> {
  const log = logger.child({ component: 'actions-runner', topic: config.kafka.topics.alerts });
  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  await withRetry(() => admin.connect(), { retriable: () => true, retries: 5 });
  const alertsTopic = { topic: config.kafka.topics.alerts, partitions: config.stream.partitions };
  await ensureTopics(admin, [alertsTopic], config.kafka.replicationFactor).finally(() => admin.disconnect());
  const abort = new AbortController();
  const consumer: Consumer = kafka.consumer({
    groupId: config.actions.runnerGroup,
    sessionTimeout: config.kafka.sessionTimeoutMs,
  });
  let handled = 0;
  const heartbeatMs = Math.max(200, Math.floor(config.kafka.sessionTimeoutMs / 5));
  let inFlight: Promise<void> = Promise.resolve();
  let stopped: Promise<void> | null = null;

  /** Heartbeats while an alert is in hand, so a long retry (ClickHouse down) does not cost the group membership. */
  function keepAlive(heartbeat: EachMessagePayload['heartbeat']): () => void {
    const timer = setInterval(() => {
      heartbeat().catch((error) => log.warn({ err: error }, 'heartbeat while retrying failed'));
    }, heartbeatMs);
    return () => clearInterval(timer);
  }

  async function handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const alert = parseAlert(message.value);
    if (typeof alert === 'string')
      log.warn({ partition, offset: message.offset, problem: alert }, 'invalid alert skipped');
    else {
      const stopBeating = keepAlive(heartbeat);
      await withRetry(
        async () => {
          const suppressed = (await deps.isSuppressed?.(alert)) ?? false;
          await deps.actions.handleAlert(alert, { suppressed });
        },
        {
          retries: Number.POSITIVE_INFINITY,
          retriable: () => !abort.signal.aborted,
          signal: abort.signal,
          onRetry: (error, attempt) =>
            log.warn({ err: error, alert_id: alert.alert_id, attempt }, 'handling alert failed; retrying'),
        },
      ).finally(stopBeating);
      handled++;
    }
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  await consumer.connect();
  await consumer.subscribe({ topic: config.kafka.topics.alerts, fromBeginning: config.stream.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: (payload) => {
      inFlight = handle(payload);
      return inFlight;
    },
  });
  log.info({ group: config.actions.runnerGroup }, 'consuming alerts');
  return {
    handled: () => handled,
    stop() {
      stopped ??= (async () => {
        // An alert still failing is left uncommitted for the next owner; one being handled finishes and commits.
        consumer.pause([{ topic: config.kafka.topics.alerts }]);
        abort.abort();
        await inFlight.catch(() => {});
        await consumer.disconnect();
        log.info({ handled }, 'stopped');
      })();
      return stopped;
    },
  };
}
