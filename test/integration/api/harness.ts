import type { FastifyInstance } from 'fastify';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { buildApp } from '../../../services/api/app.ts';
import type { AppDeps } from '../../../services/api/deps.ts';
import { MetricsRegistry } from '../../../services/api/metrics.ts';
import type { Role } from '../../../services/auth/roles.ts';
import { createTokenStore } from '../../../services/auth/token-store.ts';
import type { Config } from '../../../services/common/config/index.ts';
import type { Logger } from '../../../services/common/logger.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { testClickHouse, testConfig } from '../../helpers/infra.ts';

export interface Harness {
  config: Config;
  ch: Awaited<ReturnType<typeof testClickHouse>>;
  app: FastifyInstance;
  deps: AppDeps;
  /** Bearer headers of a fresh token per role. */
  as(role: Role): { authorization: string };
  tokenOf(role: Role): string;
  close(): Promise<void>;
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
  const deps: AppDeps = {
    config,
    logger: options.logger ?? silentLogger,
    clickhouse: ch,
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
    tokenOf: (role) => issued.get(role)!,
    as: (role) => ({ authorization: `Bearer ${issued.get(role)!}` }),
    async close() {
      await app.close();
      await ch.drop();
    },
  };
}
