// Times one rebuild of the actions service's decision table from the key-actions topic named by
// DG_TOPIC_KEY_ACTIONS (filled beforehand with `--keys` keys under action), in a fresh process, then exits.
import { parseArgs } from 'node:util';
import { createActionsServiceFromConfig } from '../../services/actions/actions-boot.ts';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { emitResult } from '../lib/child.ts';

const { values } = parseArgs({ options: { keys: { type: 'string' } } });
const keys = Number(values.keys);
const config = loadConfig();
const ch = createClickHouse(config.clickhouse);
const actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
const started = performance.now();
await actions.start();
const rebuildSeconds = (performance.now() - started) / 1000;
const last = actions.decision(`act-${keys - 1}`, Date.now()).decision;
await actions.close();
await ch.close();
if (last === 'allow') throw new Error(`the decision table lacks act-${keys - 1} after the rebuild`);
emitResult({ keys, rebuildSeconds });
