import assert from 'node:assert/strict';
import { test } from 'node:test';
import { investigateOptions } from '../../../bench/lib/investigate-options.ts';

test('full size uses the cached database; another size gets its own, so neither rebuilds the other', () => {
  assert.deepEqual(investigateOptions(false, {}), {
    database: 'dg_bench_investigate',
    events: 100_000_000,
    fullSize: true,
    mergeBudgetMs: 1_800_000,
  });
  const small = investigateOptions(false, { DG_BENCH_INVESTIGATE_EVENTS: '2000000' });
  assert.equal(small.database, 'dg_bench_investigate_2000000');
  assert.equal(small.fullSize, false);
  assert.equal(investigateOptions(true, {}).events, 200_000);
  assert.equal(investigateOptions(true, { DG_BENCH_INVESTIGATE_EVENTS: '1000000' }).events, 1_000_000);
});

test('the merge budget and database name come from the environment and are checked', () => {
  const o = investigateOptions(false, { DG_BENCH_INVESTIGATE_MERGE_BUDGET_S: '7200', DG_BENCH_INVESTIGATE_DB: 'inv' });
  assert.equal(o.mergeBudgetMs, 7_200_000);
  assert.equal(o.database, 'inv');
  assert.throws(() => investigateOptions(false, { DG_BENCH_INVESTIGATE_DB: 'x; DROP' }));
  assert.throws(() => investigateOptions(false, { DG_BENCH_INVESTIGATE_MERGE_BUDGET_S: '-1' }));
});
