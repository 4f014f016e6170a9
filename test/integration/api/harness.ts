import type { FastifyInstance } from 'fastify';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { buildApp } from '../../../services/api/app.ts';
import type { AppDeps } from '../../../services/api/deps.ts';
import type { Role } from '../../../services/auth/principal.ts';
import { createTokenStore } from '../../../services/auth/token-store.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import type { SqlQuery } from '../../../services/common/clickhouse/sql.ts';
import type { Config } from '../../../services/common/config/index.ts';
import type { Logger } from '../../../services/common/logger.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { MetricsRegistry } from '../../../services/common/metrics-registry.ts';
import { testClickHouse, testConfig } from '../../helpers/infra.ts';

export interface Harness {
  config: Config;
  ch: Awaited<ReturnType<typeof testClickHouse>>;
  app: FastifyInstance;
  deps: AppDeps;
  /** Bearer headers of a fresh token per role. */
  as(role: Role): { authorization: string };
  tokenOf(role: Role): string;
  /** Text of every query the app sent to ClickHouse, in order. */
  queries: string[];
  close(): Promise<void>;
}

/** The same client, recording the text of each query it sends. */
function recording(ch: ClickHouse, queries: string[]): ClickHouse {
  const seen = <T>(q: SqlQuery, run: () => T): T => {
    queries.push(q.text);
    return run();
  };
  return {
    ...ch,
    database: ch.database,
    command: (q) => seen(q, () => ch.command(q)),
    queryRaw: (q) => seen(q, () => ch.queryRaw(q)),
    query: (q, schema) => seen(q, () => ch.query(q, schema)),
    stream: (q, format) => seen(q, () => ch.stream(q, format)),
  };
}

/** The real app over a private migrated ClickHouse database, with one token per role. */
export async function startHarness(
  options: { now?: () => number; logger?: Logger; actions?: ActionsService; env?: Record<string, string> } = {},
): Promise<Harness> {
  const config = testConfig(options.env);
  const ch = await testClickHouse(config);
  const now = options.now ?? Date.now;
  const tokens = createTokenStore(ch, { cacheMs: config.api.tokenCacheMs, now });
  const issued = new Map<Role, string>();
  for (const role of ['analyst', 'investigator', 'gateway', 'admin'] as const)
    issued.set(role, (await tokens.create({ name: `${role}-1`, role })).token);
  const queries: string[] = [];
  const deps: AppDeps = {
    config,
    logger: options.logger ?? silentLogger,
    clickhouse: recording(ch, queries),
    tokens,
    now,
    metrics: new MetricsRegistry(),
    ...(options.actions ? { actions: options.actions } : {}),
  };
  const app = await buildApp(deps);
  return {
    config,
    ch,
    app,
    deps,
    queries,
    tokenOf: (role) => issued.get(role)!,
    as: (role) => ({ authorization: `Bearer ${issued.get(role)!}` }),
    async close() {
      await app.close();
      await ch.drop();
    },
  };
}
