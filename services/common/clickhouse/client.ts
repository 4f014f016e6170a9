import {
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import type { z } from 'zod';
import type { Config } from '../config/index.ts';
import { type ReadFile, readPemFile } from '../config/pem-file.ts';
import { DistillGuardError, errors } from '../errors.ts';
import { ident, type SqlQuery } from './sql.ts';

/** ClickHouse server error codes worth retrying (timeouts, overload, too many parts, memory pressure). */
const RETRIABLE_SERVER_CODES = new Set(['159', '202', '209', '210', '241', '252', '425']);

/** Per-query options: `signal` aborts the HTTP request (the caller stops waiting; pair it with max_execution_time). */
interface QueryOptions {
  signal?: AbortSignal;
}

export interface ClickHouse {
  readonly database: string;
  command(query: SqlQuery): Promise<void>;
  query<S extends z.ZodType>(query: SqlQuery, rowSchema: S, options?: QueryOptions): Promise<Array<z.output<S>>>;
  queryRaw(query: SqlQuery, options?: QueryOptions): Promise<Array<Record<string, unknown>>>;
  /** Streams the result in a text format (JSONEachRow, CSVWithNames) for exports. */
  stream(query: SqlQuery, format: 'JSONEachRow' | 'CSVWithNames'): Promise<NodeJS.ReadableStream>;
  insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The server's error code, or '' for network/driver failures. Current servers are parsed by the driver; 18.16's
 * `Code: N, e.displayText() = …` format is not, so it is read from the message.
 */
export function clickhouseServerCode(error: unknown): string {
  const cause = error instanceof DistillGuardError ? error.cause : error;
  if (cause instanceof ClickHouseError) return String(cause.code);
  return /^Code: (\d+)/.exec(String((cause as Error)?.message ?? ''))?.[1] ?? '';
}

/** Wraps failures in DG_ERR_CLICKHOUSE: network faults and overload codes are retriable, other server errors not. */
export function toClickHouseError(error: unknown, what: string): DistillGuardError {
  if (error instanceof DistillGuardError) return error;
  const code = clickhouseServerCode(error);
  const wrapped = errors.clickhouse(`${what}: ${String((error as Error)?.message ?? error).split('\n')[0]}`, error);
  return new DistillGuardError(wrapped.code, wrapped.message, {
    cause: error,
    retriable: code === '' || RETRIABLE_SERVER_CODES.has(code),
    statusCode: 503,
  });
}

/**
 * The driver options from the configuration: URL (http or https), credentials and, for https with a private CA,
 * DG_CLICKHOUSE_CA_FILE read once here.
 */
export function clickhouseClientOptions(config: Config['clickhouse'], read?: ReadFile): ClickHouseClientConfigOptions {
  return {
    url: config.url,
    username: config.user,
    password: config.password,
    request_timeout: config.timeoutMs,
    max_open_connections: 16,
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {},
    ...(config.caFile ? { tls: { ca_cert: readPemFile('DG_CLICKHOUSE_CA_FILE', config.caFile, read) } } : {}),
  };
}

export function createClickHouse(config: Config['clickhouse'], options: { database?: string } = {}): ClickHouse {
  const database = options.database ?? config.database;
  const client: ClickHouseClient = createClient(clickhouseClientOptions(config));
  let closed = false;

  async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toClickHouseError(error, what);
    }
  }

  return {
    database,
    command: (query) => run('command', async () => void (await client.command({ query: query.text }))),
    queryRaw: (query, options) =>
      run('query', async () => {
        const signal = options?.signal ? { abort_signal: options.signal } : {};
        return (await client.query({ query: query.text, format: 'JSONEachRow', ...signal })).json();
      }),
    async query(query, rowSchema, options) {
      const rows = await this.queryRaw(query, options);
      return rows.map((row, i) => {
        const parsed = rowSchema.safeParse(row);
        if (!parsed.success)
          throw errors.clickhouse(`row ${i} does not match the expected shape: ${parsed.error.message}`);
        return parsed.data;
      });
    },
    stream: (query, format) => run('stream', async () => (await client.query({ query: query.text, format })).stream()),
    insert: (table, rows) =>
      run(`insert into ${table}`, async () => {
        if (rows.length === 0) return;
        await client.insert({
          table: `${ident(database).name}.${ident(table).name}`,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
        });
      }),
    ping: async () => (await client.ping()).success,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
