import { z } from 'zod';
import { csv, int } from './env-helpers.ts';

export const kafkaEnv = z
  .object({
    DG_KAFKA_BROKERS: csv('127.0.0.1:19092').describe('Kafka bootstrap brokers, comma-separated'),
    DG_KAFKA_CLIENT_ID: z.string().default('distillguard').describe('Kafka client id'),
    DG_TOPIC_EVENTS: z.string().default('usage-events').describe('Topic of usage.v1 events'),
    DG_TOPIC_DLQ: z.string().default('usage-events-dlq').describe('Dead-letter topic for invalid events'),
    DG_TOPIC_ALERTS: z.string().default('alerts').describe('Topic alerts are produced to'),
    DG_TOPIC_KEY_ACTIONS: z.string().default('key-actions').describe('Compacted topic of key actions'),
    DG_TOPIC_KEY_SIGNATURES: z.string().default('key-signatures').describe('Compacted topic of per-key summaries'),
    DG_KAFKA_GROUP_INGEST: z.string().default('distillguard-ingest').describe('Consumer group of the ingest stage'),
    DG_KAFKA_GROUP_COORDINATION: z
      .string()
      .default('distillguard-coordination')
      .describe('Consumer group of stage 2 (coordination); one member gets every partition, the others stand by'),
    DG_KAFKA_SESSION_TIMEOUT_MS: int(30_000, 6_000, 300_000).describe('Consumer session timeout'),
    DG_KAFKA_REPLICATION_FACTOR: int(1, 1, 32).describe(
      'Replication factor of every topic the service creates (1 for a single dev broker; production: 3)',
    ),
  })
  .transform((e) => ({
    brokers: e.DG_KAFKA_BROKERS,
    clientId: e.DG_KAFKA_CLIENT_ID,
    topics: {
      events: e.DG_TOPIC_EVENTS,
      dlq: e.DG_TOPIC_DLQ,
      alerts: e.DG_TOPIC_ALERTS,
      keyActions: e.DG_TOPIC_KEY_ACTIONS,
      keySignatures: e.DG_TOPIC_KEY_SIGNATURES,
    },
    groups: { ingest: e.DG_KAFKA_GROUP_INGEST, coordination: e.DG_KAFKA_GROUP_COORDINATION },
    sessionTimeoutMs: e.DG_KAFKA_SESSION_TIMEOUT_MS,
    replicationFactor: e.DG_KAFKA_REPLICATION_FACTOR,
  }));
