import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ActionsService } from '../actions/actions-service.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import type { Config } from '../common/config/index.ts';
import type { Logger } from '../common/logger.ts';
import type { MetricsRegistry } from '../common/metrics-registry.ts';

/** One dependency `/readyz` reports; a failing `required` one makes the service not ready (503). */
export interface ReadinessCheck {
  name: string;
  required: boolean;
  check(): Promise<boolean>;
}

/** Everything the API needs, built by the caller (serve command or a test) and passed to `buildApp`. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  clickhouse: ClickHouse;
  tokens: TokenStore;
  /** Wall clock in epoch milliseconds; tests pass a fixed one. */
  now(): number;
  metrics: MetricsRegistry;
  /** Extra dependencies for `/readyz` beyond ClickHouse (e.g. Kafka). */
  readiness?: ReadinessCheck[];
  /** The throttling engine (services/actions), when running. */
  actions?: ActionsService;
}

/** A file of ./routes: `export default` of this type; its handlers are typed from their zod schemas. */
export type RoutePlugin = FastifyPluginAsyncZod<{ deps: AppDeps }>;
