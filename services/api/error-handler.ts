import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DistillGuardError } from '../common/errors.ts';

/** Fastify's own client errors, renamed into our codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'DG_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'DG_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'DG_ERR_BAD_INPUT',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'DG_ERR_BAD_INPUT',
};

const DEPENDENCY_CODES = new Map([
  ['DG_ERR_CLICKHOUSE', 'the event store (ClickHouse)'],
  ['DG_ERR_KAFKA', 'the message broker (Kafka)'],
]);

/** Fastify's "Request body is too large" does not say what the limit is. */
function clientMessage(error: FastifyError, request: FastifyRequest): string {
  if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return error.message;
  return `request body exceeds the limit of ${request.routeOptions.bodyLimit} bytes (DG_API_BODY_LIMIT_BYTES)`;
}

function describe(error: FastifyError, request: FastifyRequest): { status: number; code: string; message: string } {
  if (error instanceof DistillGuardError) {
    // A dependency's own error text (ClickHouse, Kafka) stays in the server log; the client learns what failed.
    if (DEPENDENCY_CODES.has(error.code)) {
      return {
        status: error.statusCode,
        code: error.code,
        message: `${DEPENDENCY_CODES.get(error.code)} is unavailable; retry later`,
      };
    }
    return { status: error.statusCode, code: error.code, message: error.message };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'DG_ERR_RATE_LIMITED' : 'DG_ERR_BAD_INPUT');
    return { status, code, message: clientMessage(error, request) };
  }
  return { status: 500, code: 'DG_ERR_INTERNAL', message: 'internal error' };
}

/**
 * Errors fastify raises before routing (a path that is not valid percent-encoding), in the same body shape as
 * every other error; passed as the `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  reply.code(error.statusCode ?? 400).send({ error: { code: 'DG_ERR_BAD_INPUT', message: error.message } });
}

/** What node's HTTP parser rejects before fastify sees a request (fastify's default handler, our body shape). */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'request line and headers exceed the 16 KiB limit' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'request not received in time' },
};

/** Answers a malformed or oversized HTTP request on the socket; passed as the `clientErrorHandler` option. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, message: 'malformed HTTP request' };
  const body = JSON.stringify({ error: { code: 'DG_ERR_BAD_INPUT', message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/** Every error becomes `{ error: { code, message } }` with its status; stack traces never reach the client. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describe(error, request);
    if (status >= 500) request.log.error({ err: error, code }, 'request failed');
    else request.log.info({ code, status }, message);
    return reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: 'DG_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
}
