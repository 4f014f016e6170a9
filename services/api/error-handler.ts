import type { FastifyError, FastifyInstance } from 'fastify';
import { DistillGuardError } from '../common/errors.ts';

/** Fastify's own client errors, renamed into our codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'DG_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'DG_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'DG_ERR_BAD_INPUT',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'DG_ERR_BAD_INPUT',
};

function describe(error: FastifyError): { status: number; code: string; message: string } {
  if (error instanceof DistillGuardError) return { status: error.statusCode, code: error.code, message: error.message };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'DG_ERR_RATE_LIMITED' : 'DG_ERR_BAD_INPUT');
    return { status, code, message: error.message };
  }
  return { status: 500, code: 'DG_ERR_INTERNAL', message: 'internal error' };
}

/** Every error becomes `{ error: { code, message } }` with its status; stack traces never reach the client. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describe(error);
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
