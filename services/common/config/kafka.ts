import { z } from 'zod';
import { bool, csv, int, oneOf, str } from './env-helpers.ts';

export const kafkaEnv = z
  .object({
    DG_KAFKA_BROKERS: csv('127.0.0.1:19092').describe('Kafka bootstrap brokers, comma-separated'),
    DG_KAFKA_CLIENT_ID: str('distillguard').describe('Kafka client id'),
    DG_TOPIC_EVENTS: str('usage-events').describe('Topic of usage.v1 events'),
    DG_TOPIC_DLQ: str('usage-events-dlq').describe('Dead-letter topic for invalid events'),
    DG_TOPIC_ALERTS: str('alerts').describe('Topic alerts are produced to'),
    DG_TOPIC_KEY_ACTIONS: str('key-actions').describe('Compacted topic of key actions'),
    DG_KAFKA_GROUP_INGEST: str('distillguard-ingest').describe('Consumer group of the ingest stage'),
    DG_KAFKA_GROUP_COORDINATION: str('distillguard-coordination').describe(
      'Consumer group of stage 2 (coordination); one member gets every partition, the others stand by',
    ),
    DG_KAFKA_SESSION_TIMEOUT_MS: int(30_000, 6_000, 300_000).describe('Consumer session timeout'),
    DG_KAFKA_REPLICATION_FACTOR: int(1, 1, 32).describe(
      'Replication factor of every topic the service creates (1 for a single dev broker; production: 3)',
    ),
    DG_KAFKA_SSL: bool(false).describe('Connect to the brokers over TLS'),
    DG_KAFKA_SSL_CA_FILE: str().describe(
      "PEM file of the CA that signed the brokers' certificates (empty: the system CAs); needs DG_KAFKA_SSL",
    ),
    DG_KAFKA_SSL_CERT_FILE: str().describe(
      'PEM client certificate for mutual TLS; needs DG_KAFKA_SSL and DG_KAFKA_SSL_KEY_FILE',
    ),
    DG_KAFKA_SSL_KEY_FILE: str().describe('PEM private key of the client certificate; needs DG_KAFKA_SSL_CERT_FILE'),
    DG_KAFKA_SASL_MECHANISM: oneOf(['', 'plain', 'scram-sha-256', 'scram-sha-512'], '').describe(
      'SASL mechanism: plain, scram-sha-256 or scram-sha-512 (empty: no SASL); needs username and password',
    ),
    DG_KAFKA_SASL_USERNAME: str().describe('SASL user name; needs DG_KAFKA_SASL_MECHANISM'),
    DG_KAFKA_SASL_PASSWORD: str().describe(
      'SASL password (secret: never logged or printed); needs DG_KAFKA_SASL_MECHANISM',
    ),
  })
  .superRefine((e, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!e.DG_KAFKA_SSL) {
      for (const name of ['DG_KAFKA_SSL_CA_FILE', 'DG_KAFKA_SSL_CERT_FILE', 'DG_KAFKA_SSL_KEY_FILE'] as const)
        if (e[name]) problem(name, 'is set but DG_KAFKA_SSL is false; set DG_KAFKA_SSL=true to use TLS');
    }
    if (e.DG_KAFKA_SSL_CERT_FILE && !e.DG_KAFKA_SSL_KEY_FILE)
      problem('DG_KAFKA_SSL_KEY_FILE', 'is required with DG_KAFKA_SSL_CERT_FILE (mutual TLS needs both)');
    if (e.DG_KAFKA_SSL_KEY_FILE && !e.DG_KAFKA_SSL_CERT_FILE)
      problem('DG_KAFKA_SSL_CERT_FILE', 'is required with DG_KAFKA_SSL_KEY_FILE (mutual TLS needs both)');
    if (e.DG_KAFKA_SASL_MECHANISM) {
      if (!e.DG_KAFKA_SASL_USERNAME)
        problem('DG_KAFKA_SASL_USERNAME', `is required with DG_KAFKA_SASL_MECHANISM=${e.DG_KAFKA_SASL_MECHANISM}`);
      if (!e.DG_KAFKA_SASL_PASSWORD)
        problem('DG_KAFKA_SASL_PASSWORD', `is required with DG_KAFKA_SASL_MECHANISM=${e.DG_KAFKA_SASL_MECHANISM}`);
    } else {
      for (const name of ['DG_KAFKA_SASL_USERNAME', 'DG_KAFKA_SASL_PASSWORD'] as const)
        if (e[name])
          problem(name, 'is set but DG_KAFKA_SASL_MECHANISM is empty; set plain, scram-sha-256 or scram-sha-512');
    }
  })
  .transform((e) => ({
    brokers: e.DG_KAFKA_BROKERS,
    clientId: e.DG_KAFKA_CLIENT_ID,
    topics: {
      events: e.DG_TOPIC_EVENTS,
      dlq: e.DG_TOPIC_DLQ,
      alerts: e.DG_TOPIC_ALERTS,
      keyActions: e.DG_TOPIC_KEY_ACTIONS,
    },
    groups: { ingest: e.DG_KAFKA_GROUP_INGEST, coordination: e.DG_KAFKA_GROUP_COORDINATION },
    sessionTimeoutMs: e.DG_KAFKA_SESSION_TIMEOUT_MS,
    replicationFactor: e.DG_KAFKA_REPLICATION_FACTOR,
    ssl: e.DG_KAFKA_SSL
      ? { caFile: e.DG_KAFKA_SSL_CA_FILE, certFile: e.DG_KAFKA_SSL_CERT_FILE, keyFile: e.DG_KAFKA_SSL_KEY_FILE }
      : null,
    sasl: e.DG_KAFKA_SASL_MECHANISM
      ? { mechanism: e.DG_KAFKA_SASL_MECHANISM, username: e.DG_KAFKA_SASL_USERNAME, password: e.DG_KAFKA_SASL_PASSWORD }
      : null,
  }));
