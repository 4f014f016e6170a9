import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifySerializerCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../common/errors.ts';
import { describeIssues } from '../common/zod-issues.ts';

/**
 * Request validation by fastify-type-provider-zod against the route's zod schemas (params, querystring, headers,
 * body). A missing body is read as `{}`, so a POST whose fields all have defaults needs none.
 */
export const validateRequest: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  return (data) => validate(data ?? {});
};

/**
 * Fastify's `schemaErrorFormatter`: the provider's issues (`instancePath` `/rules/2/action`) as one
 * DG_ERR_BAD_INPUT naming each bad field (`body.rules.2.action: …`, `query.limit: …`).
 */
export function badInputOf(issues: FastifySchemaValidationError[], part: string): Error {
  const where = part === 'querystring' ? 'query' : part;
  const field = (path: string) => [where, ...path.split('/').filter(Boolean)].join('.');
  return errors.badInput(issues.map((i) => `${field(i.instancePath)}: ${i.message}`).join('; '));
}

/** Paths of the fields of `sent` that zod left out of `kept` because the schema does not declare them. */
function undeclared(sent: unknown, kept: unknown, path: string): string[] {
  if (typeof sent !== 'object' || sent === null || typeof kept !== 'object' || kept === null) return [];
  return Object.entries(sent).flatMap(([k, v]) =>
    k in kept ? undeclared(v, (kept as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}

/**
 * JSON responses. With `validate`, the body as the client reads it (after JSON) is first checked against the
 * route's zod schema for its status: a value the schema refuses, or a field it does not declare (the OpenAPI
 * document says `additionalProperties: false`), fails the request with a 500 whose log line names the route, the
 * status and the field. The bytes sent are the same either way. On in tests (`DG_API_VALIDATE_RESPONSES`), off in
 * production, where it would cost a parse and a zod check per response.
 */
export function serializeResponses(validate: boolean): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url, httpStatus }) => {
    if (!validate || !(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
    const where = `${method} ${url} ${httpStatus}`;
    return (data) => {
      const json = JSON.stringify(data);
      const sent: unknown = JSON.parse(json);
      const result = z.safeEncode(schema, sent);
      if (!result.success)
        throw new Error(`response ${where} does not match its schema: ${describeIssues(result.error, ['response'])}`);
      const extra = undeclared(sent, result.data, 'response');
      if (extra.length)
        throw new Error(`response ${where} has fields its schema does not declare: ${extra.join(', ')}`);
      return json;
    };
  };
}
