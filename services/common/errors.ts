/** One list of coded errors (fastify-style): branch on the class or `code`, never on message text. */
export class DistillGuardError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly statusCode: number;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retriable?: boolean; statusCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DistillGuardError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.statusCode = options.statusCode ?? 500;
  }
}

type ErrorFactory = (detail: string, cause?: unknown) => DistillGuardError;

function define(code: string, template: string, statusCode: number, retriable = false): ErrorFactory {
  return (detail, cause) =>
    new DistillGuardError(code, template.replace('%s', detail), { cause, retriable, statusCode });
}

export const errors = {
  config: define('DG_ERR_CONFIG', 'invalid configuration: %s', 500),
  badInput: define('DG_ERR_BAD_INPUT', 'bad input: %s', 400),
  notFound: define('DG_ERR_NOT_FOUND', 'not found: %s', 404),
  unauthorized: define('DG_ERR_UNAUTHORIZED', 'unauthorized: %s', 401),
  forbidden: define('DG_ERR_FORBIDDEN', 'forbidden: %s', 403),
  conflict: define('DG_ERR_CONFLICT', 'conflict: %s', 409),
  clickhouse: define('DG_ERR_CLICKHOUSE', 'ClickHouse request failed: %s', 503, true),
  kafka: define('DG_ERR_KAFKA', 'Kafka request failed: %s', 503, true),
  migration: define('DG_ERR_MIGRATION', 'migration failed: %s', 500),
  model: define('DG_ERR_MODEL', 'model rejected: %s', 500),
  processor: define('DG_ERR_PROCESSOR', 'event processing failed: %s', 500, true),
  sqlEncode: define('DG_ERR_SQL_ENCODE', 'cannot encode SQL value: %s', 400),
  queryLimit: define('DG_ERR_QUERY_LIMIT', '%s', 422),
  rateLimited: define('DG_ERR_RATE_LIMITED', '%s', 429, true),
  unavailable: define('DG_ERR_UNAVAILABLE', '%s', 503, true),
  shutdown: define('DG_ERR_SHUTDOWN', 'shutting down: %s', 503, true),
} as const;

export function isRetriable(error: unknown): boolean {
  return error instanceof DistillGuardError ? error.retriable : false;
}
