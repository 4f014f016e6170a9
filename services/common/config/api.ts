import { z } from 'zod';
import { roleSchema } from '../roles.ts';
import { bool, csv, int, str } from './env-helpers.ts';

export const apiEnv = z
  .object({
    DG_API_HOST: str('127.0.0.1').describe('Address the triage API listens on'),
    DG_API_PORT: int(8080, 0, 65_535).describe('Port of the triage API (0 picks a free one)'),
    DG_API_BODY_LIMIT_BYTES: int(64 * 1024, 1_024, 16 * 1024 * 1024).describe('Largest accepted request body'),
    DG_API_RATE_LIMIT_PER_MIN: int(600, 1, 1_000_000).describe('Requests per minute per token (gateways: 20x)'),
    DG_API_AUTH_FAILURES_PER_MIN: int(60, 1, 1_000_000).describe(
      'Failed authentications per client IP per minute before its requests get 429 without a token lookup',
    ),
    DG_API_TOKEN_CACHE_MS: int(5_000, 0, 300_000).describe('How long a looked-up token is trusted before re-reading'),
    DG_API_VALIDATE_RESPONSES: bool(false).describe(
      'Check every API response against its zod schema (500 on a mismatch); on in tests, off in production for speed',
    ),
    DG_QUERY_MAX_RANGE_DAYS: int(90, 1, 3_650).describe('Widest time range an investigator query may span'),
    DG_QUERY_TIMEOUT_S: int(20, 1, 3_600).describe('ClickHouse max_execution_time of an investigator query'),
    DG_QUERY_MAX_ROWS: int(1_000, 1, 100_000).describe('Most rows one investigator query page returns'),
    DG_EXPORT_MAX_ROWS: int(100_000, 1, 10_000_000).describe('Most rows one streaming export returns'),
    DG_PROMPT_READ_ROLES: csv('investigator,admin')
      .pipe(z.array(roleSchema))
      .describe(
        'Roles that see prompt text in API answers and exports (others get null and prompt_withheld); exact list, admin included only if named',
      ),
  })
  .transform((e) => ({
    host: e.DG_API_HOST,
    port: e.DG_API_PORT,
    bodyLimitBytes: e.DG_API_BODY_LIMIT_BYTES,
    rateLimitPerMin: e.DG_API_RATE_LIMIT_PER_MIN,
    authFailuresPerMin: e.DG_API_AUTH_FAILURES_PER_MIN,
    tokenCacheMs: e.DG_API_TOKEN_CACHE_MS,
    validateResponses: e.DG_API_VALIDATE_RESPONSES,
    promptReadRoles: e.DG_PROMPT_READ_ROLES,
    query: {
      maxRangeDays: e.DG_QUERY_MAX_RANGE_DAYS,
      timeoutS: e.DG_QUERY_TIMEOUT_S,
      maxRows: e.DG_QUERY_MAX_ROWS,
      exportMaxRows: e.DG_EXPORT_MAX_ROWS,
    },
  }));
