import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ClickHouse, createClickHouse } from '../../../services/common/clickhouse/client.ts';
import { sql } from '../../../services/common/clickhouse/sql.ts';
import { limitSettings, type QueryLimits, withQueryLimits } from '../../../services/investigate/query-limits.ts';
import { testConfig } from '../../helpers/infra.ts';

const LIMITS: QueryLimits = { maxRangeDays: 1, timeoutS: 1, maxRows: 10, exportMaxRows: 10 };
let ch: ClickHouse;

before(() => {
  ch = createClickHouse(testConfig().clickhouse, { database: 'system' });
});
after(() => ch.close());

test('a query over its time limit is a 422 naming the limit', async () => {
  await assert.rejects(
    withQueryLimits(LIMITS, () =>
      ch.queryRaw(sql`SELECT count() FROM system.numbers WHERE sipHash64(number) = 0 ${limitSettings(LIMITS, 10)}`),
    ),
    (error: { code: string; statusCode: number; message: string }) =>
      error.code === 'DG_ERR_QUERY_LIMIT' && error.statusCode === 422 && /longer than 1s/.test(error.message),
  );
});
