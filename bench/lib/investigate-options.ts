import { z } from 'zod';
import { int } from '../../services/common/config/env-helpers.ts';

const FULL_EVENTS = 100_000_000;
const SMOKE_EVENTS = 200_000;

/** The investigator scenario's own environment, parsed once when it starts. */
const investigateEnv = z.object({
  DG_BENCH_INVESTIGATE_DB: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('dg_bench_investigate')
    .describe('the cached database of the full-size data (kept between runs; a smoke run uses a private one)'),
  DG_BENCH_INVESTIGATE_EVENTS: int(0, 0, 1_000_000_000).describe(
    `usage_events rows to generate; 0 = ${FULL_EVENTS.toLocaleString('en-US')} (smoke: ${SMOKE_EVENTS.toLocaleString('en-US')}). Another size caches its data in its own database, <DB>_<events>`,
  ),
  DG_BENCH_INVESTIGATE_MERGE_BUDGET_S: int(1_800, 0, 86_400).describe(
    'wall-clock seconds for waiting on background merges and forcing the partitions the queries read into one part each; when it runs out the running merge is stopped and the rest measured as they are',
  ),
});

export interface InvestigateOptions {
  /** Where the data lives; a smoke run's private database is named by the scenario instead. */
  database: string;
  events: number;
  /** Whether `events` is the size the target is stated for. */
  fullSize: boolean;
  mergeBudgetMs: number;
}

export function investigateOptions(smoke: boolean, env: NodeJS.ProcessEnv = process.env): InvestigateOptions {
  const e = investigateEnv.parse(env);
  const events = e.DG_BENCH_INVESTIGATE_EVENTS || (smoke ? SMOKE_EVENTS : FULL_EVENTS);
  // A cached database rebuilt for another size would throw away the other size's hours of filling.
  const database = events === FULL_EVENTS ? e.DG_BENCH_INVESTIGATE_DB : `${e.DG_BENCH_INVESTIGATE_DB}_${events}`;
  return {
    database,
    events,
    fullSize: events === FULL_EVENTS,
    mergeBudgetMs: e.DG_BENCH_INVESTIGATE_MERGE_BUDGET_S * 1000,
  };
}
