import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decisionSchema } from '../../actions/action-schema.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';
import { actionsOf } from './actions.ts';

/** Gateways ask on every call whether a key may proceed; answered from memory, never from ClickHouse. */
export default async function decisionRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  route(app, {
    method: 'GET',
    url: '/v1/keys/:id/decision',
    summary: 'allow / limit / deny for a key, with reason and expiry (from memory)',
    tags: ['gateway'],
    roles: ['gateway'],
    errors: [503],
    params: z.object({ id: z.string().min(1).max(128) }),
    response: decisionSchema.extend({ api_key_id: z.string() }),
    handler: async ({ params }) => ({ api_key_id: params.id, ...actionsOf(deps).decision(params.id, deps.now()) }),
  });
}
