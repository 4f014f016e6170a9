import { z } from 'zod';
import { int, oneOf } from './env-helpers.ts';

export const ingestEnv = z
  .object({
    DG_BATCH_MAX_ROWS: int(5_000, 1, 1_000_000).describe('Rows per ClickHouse insert batch'),
    DG_BATCH_MAX_MS: int(500, 10, 60_000).describe(
      'Longest a row waits before its batch is flushed (rows, alerts and features become visible after the flush)',
    ),
    DG_PROMPT_STORAGE: oneOf(['full', 'truncated', 'fingerprint'], 'full').describe(
      'What usage_events keeps of prompt_text: full, truncated (DG_PROMPT_TRUNCATE_CHARS), or fingerprint (SHA-256 and SimHash only)',
    ),
    DG_PROMPT_TRUNCATE_CHARS: int(500, 1, 32_768).describe(
      'Characters of prompt_text kept when DG_PROMPT_STORAGE=truncated',
    ),
  })
  .transform((e) => ({
    maxRows: e.DG_BATCH_MAX_ROWS,
    maxMs: e.DG_BATCH_MAX_MS,
    prompts: { storage: e.DG_PROMPT_STORAGE, truncateChars: e.DG_PROMPT_TRUNCATE_CHARS },
  }));
