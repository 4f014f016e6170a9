import { z } from 'zod';
import { int } from './env-helpers.ts';

export const ingestEnv = z
  .object({
    DG_BATCH_MAX_ROWS: int(5_000, 1, 1_000_000).describe('Rows per ClickHouse insert batch'),
    DG_BATCH_MAX_MS: int(1_000, 10, 60_000).describe('Longest a row waits before its batch is flushed'),
  })
  .transform((e) => ({ maxRows: e.DG_BATCH_MAX_ROWS, maxMs: e.DG_BATCH_MAX_MS }));
