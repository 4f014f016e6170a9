/**
 * The real API process (`startServer`, with the actions service) for the schemathesis run: private ClickHouse
 * database and Kafka topics/groups, a small seeded world, one token per role plus a revoked one.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { startServer } from '../../../services/api/server.ts';
import type { Role } from '../../../services/auth/principal.ts';
import { createTokenStore } from '../../../services/auth/token-store.ts';
import { createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { type Config, loadConfig } from '../../../services/common/config/index.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { createKafka } from '../../../services/consumer/kafka-client.ts';
import { seedAlerts, seedUsage, T0 } from '../../integration/api/seed.ts';

const ROLES: Role[] = ['analyst', 'investigator', 'gateway', 'admin'];

/** Private names for everything this run writes, so it never disturbs other work on the shared services. */
function fuzzConfig(): Config {
  const id = randomBytes(5).toString('hex');
  return loadConfig({
    DG_LOG_LEVEL: 'warn',
    ...process.env,
    DG_CLICKHOUSE_DATABASE: `dg_fuzz_${id}`,
    DG_TOPIC_EVENTS: `fuzz-events-${id}`,
    DG_TOPIC_DLQ: `fuzz-dlq-${id}`,
    DG_TOPIC_ALERTS: `fuzz-alerts-${id}`,
    DG_TOPIC_KEY_ACTIONS: `fuzz-key-actions-${id}`,
    DG_KAFKA_GROUP_INGEST: `fuzz-ingest-${id}`,
    DG_KAFKA_GROUP_COORDINATION: `fuzz-coordination-${id}`,
    DG_KAFKA_GROUP_ACTIONS: `fuzz-actions-${id}`,
    DG_ACTIONS_READER_GROUP_PREFIX: `fuzz-actions-reader-${id}`,
    DG_API_HOST: '127.0.0.1',
    DG_API_PORT: '0',
    // The fuzzer sends thousands of requests a minute per token (and unauthenticated ones from one address);
    // rate limiting has its own tests.
    DG_API_RATE_LIMIT_PER_MIN: '1000000',
    DG_API_AUTH_FAILURES_PER_MIN: '1000000',
    // A response its schema refuses is a 500, which the fuzzer reports.
    DG_API_VALIDATE_RESPONSES: '1',
    DG_MIGRATE_ON_START: 'true',
  });
}

/** Drops the private database and topics; each step is attempted even when another fails. */
async function cleanUp(config: Config): Promise<void> {
  const ch = createClickHouse(config.clickhouse);
  await ch.command(sql`DROP DATABASE IF EXISTS ${ident(ch.database)}`).catch(() => undefined);
  await ch.close();
  const admin = createKafka(config.kafka, createLogger({ level: 'silent' })).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = Object.values(config.kafka.topics).filter((t) => existing.has(t));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

export interface FuzzServer {
  url: string;
  /** One token per role, created through the token store like `distillguard token create`. */
  tokens: Record<Role, string>;
  /** An admin token that was revoked before the run. */
  revoked: string;
  database: string;
  /** Stops the server, then drops the private database and topics. */
  close(): Promise<void>;
}

/** Seeds a small known world (usage, features, alerts) so id-based routes also answer 200, not only 404. */
async function seedAndCreateTokens(config: Config): Promise<Pick<FuzzServer, 'tokens' | 'revoked'>> {
  const ch = createClickHouse(config.clickhouse);
  try {
    const now = T0 + 10 * 3_600_000;
    await seedUsage(ch, now);
    await insertAlerts(ch, seedAlerts(), now);
    const store = createTokenStore(ch, { cacheMs: 0, now: Date.now });
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) tokens[role] = (await store.create({ name: `fuzz-${role}`, role })).token;
    const revoked = await store.create({ name: 'fuzz-revoked', role: 'admin' });
    await store.revoke(revoked.record.token_id);
    return { tokens, revoked: revoked.token };
  } finally {
    await ch.close();
  }
}

/** Starts the server; its log (warnings and errors, e.g. every 5xx with its stack) goes to `logFile`. */
export async function startFuzzServer(logFile: string): Promise<FuzzServer> {
  const config = fuzzConfig();
  const logger = createLogger({ level: config.log.level, destination: createWriteStream(logFile) });
  const server = await startServer(config, logger, { actions: true }).catch(async (error: unknown) => {
    await cleanUp(config);
    throw error;
  });
  const close = async () => {
    await server.close();
    await cleanUp(config);
  };
  try {
    return { url: server.url, database: config.clickhouse.database, close, ...(await seedAndCreateTokens(config)) };
  } catch (error) {
    await close();
    throw error;
  }
}
