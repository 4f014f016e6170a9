import { z } from 'zod';
import { errors } from '../errors.ts';
import { describeIssues } from '../zod-issues.ts';
import { actionsEnv } from './actions-env.ts';
import { apiEnv } from './api.ts';
import { clickhouseEnv } from './clickhouse.ts';
import { coordinationEnv } from './coordination.ts';
import { detectorEnv } from './detector.ts';
import { int, oneOf } from './env-helpers.ts';
import { ingestEnv } from './ingest.ts';
import { kafkaEnv } from './kafka.ts';
import { mlEnv } from './ml.ts';
import { retentionEnv } from './retention.ts';
import { streamEnv } from './stream-env.ts';

const logEnv = z
  .object({
    DG_LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info').describe(
      'pino log level',
    ),
    DG_LOG_SUMMARY_INTERVAL_S: int(30, 0, 86_400).describe(
      '`stream` and `serve` log a one-line summary (events/s, lag, alerts, actions) this often; 0 = off',
    ),
  })
  .transform((e) => ({ level: e.DG_LOG_LEVEL, summaryIntervalS: e.DG_LOG_SUMMARY_INTERVAL_S }));

/** Every configuration section, each parsed from the environment by its own schema. */
const sections = {
  log: logEnv,
  kafka: kafkaEnv,
  clickhouse: clickhouseEnv,
  ingest: ingestEnv,
  retention: retentionEnv,
  detector: detectorEnv,
  ml: mlEnv,
  stream: streamEnv,
  api: apiEnv,
  actions: actionsEnv,
  coordination: coordinationEnv,
} as const;

type Sections = typeof sections;
export type Config = { readonly [K in keyof Sections]: Readonly<z.output<Sections[K]>> };

/** Parses the environment once at start; throws DG_ERR_CONFIG naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(sections)) {
    const result = schema.safeParse(env);
    if (result.success) out[name] = Object.freeze(result.data);
    else problems.push(describeIssues(result.error));
  }
  if (problems.length) throw errors.config(problems.join('; '));
  return Object.freeze(out) as Config;
}

/** One row per environment variable: name, default and description, for docs and `distillguard config`. */
export function describeConfig(): Array<{ name: string; default: string; description: string }> {
  const rows: Array<{ name: string; default: string; description: string }> = [];
  for (const schema of Object.values(sections)) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { default?: unknown; description?: string }>;
    };
    for (const [name, p] of Object.entries(json.properties)) {
      rows.push({ name, default: String(p.default ?? ''), description: p.description ?? '' });
    }
  }
  return rows;
}
