import { z } from 'zod';
import { int, str } from './env-helpers.ts';

export const clickhouseEnv = z
  .object({
    DG_CLICKHOUSE_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:18123')
      .describe('ClickHouse HTTP endpoint; https://… for TLS (credentials go in DG_CLICKHOUSE_USER/PASSWORD)'),
    DG_CLICKHOUSE_DATABASE: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a plain identifier')
      .default('distillguard')
      .describe('Database holding all DistillGuard tables'),
    DG_CLICKHOUSE_USER: str('default').describe('ClickHouse user'),
    DG_CLICKHOUSE_PASSWORD: str().describe('ClickHouse password (never logged)'),
    DG_CLICKHOUSE_TIMEOUT_MS: int(30_000, 1_000, 600_000).describe('Per-request timeout'),
    DG_CLICKHOUSE_CA_FILE: str().describe(
      'PEM file of the CA that signed the server certificate (empty: the system CAs); needs an https URL',
    ),
  })
  .superRefine((e, ctx) => {
    const url = new URL(e.DG_CLICKHOUSE_URL);
    if (url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        path: ['DG_CLICKHOUSE_URL'],
        message: 'must not carry credentials; set DG_CLICKHOUSE_USER and DG_CLICKHOUSE_PASSWORD instead',
      });
    if (e.DG_CLICKHOUSE_CA_FILE && url.protocol !== 'https:')
      ctx.addIssue({
        code: 'custom',
        path: ['DG_CLICKHOUSE_CA_FILE'],
        message: 'is set but DG_CLICKHOUSE_URL is not https://',
      });
  })
  .transform((e) => ({
    url: e.DG_CLICKHOUSE_URL,
    database: e.DG_CLICKHOUSE_DATABASE,
    user: e.DG_CLICKHOUSE_USER,
    password: e.DG_CLICKHOUSE_PASSWORD,
    timeoutMs: e.DG_CLICKHOUSE_TIMEOUT_MS,
    caFile: e.DG_CLICKHOUSE_CA_FILE,
  }));
