import { z } from 'zod';
import type { Role } from '../auth/principal.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from './query-limits.ts';

const countSchema = z.object({ n: z.coerce.number() });

/**
 * Analysts investigate read-only, and only keys that have at least one alert (the keys of their queue and cases);
 * investigators and admins any key. Other keys answer 404 to analysts, as if they did not exist for them.
 */
export async function assertMayInvestigateKey(
  ch: ClickHouse,
  limits: QueryLimits,
  role: Role,
  key: string,
): Promise<void> {
  if (role !== 'analyst') return;
  const [row] = await withQueryLimits(limits, () =>
    ch.query(
      sql`SELECT count() AS n FROM ${table(ch, 'alerts')} WHERE has(api_key_ids, ${key}) LIMIT 1 ${limitSettings(limits, 1)}`,
      countSchema,
    ),
  );
  if (!row || row.n === 0) throw errors.notFound(`key ${key} in any alert (analysts investigate keys with alerts)`);
}
