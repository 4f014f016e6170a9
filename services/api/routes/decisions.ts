import { z } from 'zod';
import { decisionSchema } from '../../actions/action-schema.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses } from '../route-docs.ts';
import { actionsOf } from './actions.ts';

/** Gateways ask on every call whether a key may proceed; answered from memory, never from ClickHouse. */
const decisionRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/v1/keys/:id/decision',
    {
      schema: {
        summary: 'allow / limit / deny for a key, with reason and expiry (from memory)',
        tags: ['gateway'],
        params: z.object({ id: z.string().min(1).max(128) }),
        response: { 200: decisionSchema.extend({ api_key_id: z.string() }), ...errorResponses(503) },
      },
      config: { roles: ['gateway'] },
    },
    async (request) => ({ api_key_id: request.params.id, ...actionsOf(deps).decision(request.params.id, deps.now()) }),
  );
};
export default decisionRoutes;
