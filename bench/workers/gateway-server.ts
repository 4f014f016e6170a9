// The real API (`buildApp`) with the real actions service, whose decision table is rebuilt from the key-actions
// topic named by DG_TOPIC_KEY_ACTIONS (filled beforehand with `--keys` keys under action); listens on loopback until
// SIGTERM.
import { parseArgs } from 'node:util';
import { createActionsServiceFromConfig } from '../../services/actions/actions-boot.ts';
import { buildApp } from '../../services/api/app.ts';
import { createTokenStore } from '../../services/auth/token-store.ts';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { MetricsRegistry } from '../../services/common/metrics-registry.ts';
import { emitResult } from '../lib/child.ts';

const { values } = parseArgs({ options: { keys: { type: 'string' } } });
const keys = Number(values.keys);
const config = loadConfig();

const ch = createClickHouse(config.clickhouse);
await migrate(ch, silentLogger);
const tokens = createTokenStore(ch, { cacheMs: config.api.tokenCacheMs, now: Date.now });
const { token } = await tokens.create({ name: 'bench-gateway', role: 'gateway' });
const actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
const rebuildStarted = performance.now();
await actions.start();
const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
if (actions.decision('act-0', Date.now()).decision !== 'deny') throw new Error('decision table was not rebuilt');
const app = await buildApp({
  config,
  logger: silentLogger,
  clickhouse: ch,
  tokens,
  now: Date.now,
  metrics: new MetricsRegistry(),
  actions,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.once('SIGTERM', async () => {
  await app.close();
  await actions.close();
  await ch.close();
  process.exit(0);
});
emitResult({ port, token, keys, rebuildSeconds });
