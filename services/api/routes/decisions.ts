import { z } from 'zod';
import { decisionSchema } from '../../actions/action-schema.ts';
import { idParams } from '../../investigate/query-params.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses } from '../route-docs.ts';
import { routesOf } from '../typed-routes.ts';
import { actionsOf } from './actions.ts';

/** Gateways ask on every call whether a key may proceed; answered from memory, never from ClickHouse. */
const decisionRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['gateway']);
  route.get(
    '/v1/keys/:id/decision',
    {
      roles: ['gateway'],
      // A gateway asks on every model call: no per-request lines (info); failures (error, warn) are still logged.
      logLevel: 'warn',
      summary: 'allow / limit / deny for a key, with reason and expiry (from memory)',
      params: idParams,
      response: { 200: decisionSchema.extend({ api_key_id: z.string() }), ...errorResponses(503) },
    },
    // Not async: fastify sends a returned value at once, with no promise per request.
    (request) => ({ api_key_id: request.params.id, ...actionsOf(deps).decision(request.params.id, deps.now()) }),
  );
};
export default decisionRoutes;
