import { createClickHouse } from '../../common/clickhouse/client.ts';
import { migrate } from '../../common/clickhouse/migrations.ts';
import { loadConfig } from '../../common/config/index.ts';
import { createLogger } from '../../common/logger.ts';
import { withRetry } from '../../common/retry.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'apply pending ClickHouse migrations (idempotent)';

export const usage = 'usage: distillguard migrate [--database NAME]   (default: $DG_CLICKHOUSE_DATABASE)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('migrate', argv, { database: { type: 'string' } });
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level }).child({ component: 'migrate' });
  const ch = createClickHouse(config.clickhouse, { database: values.database });
  try {
    const applied = await withRetry(() => migrate(ch, logger), { retries: 5 });
    console.log(
      applied.length ? `applied migrations ${applied.join(', ')} to ${ch.database}` : `${ch.database} is up to date`,
    );
    return 0;
  } finally {
    await ch.close();
  }
}
