import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getAlert } from '../../alerts-store/alert-queries.ts';
import { errors } from '../../common/errors.ts';
import { clusterEvidence } from '../../investigate/cluster-evidence.ts';
import { idParam } from '../../investigate/query-params.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

/** The cluster page: a cluster alert's members and the templates, prompts, IPs and ASNs they share. */
export default async function clusterRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  route(app, {
    method: 'GET',
    url: '/v1/clusters/:id',
    summary: 'Members and shared evidence of a cluster alert',
    tags: ['clusters'],
    roles: ['analyst', 'investigator'],
    params: z.object({ id: idParam }),
    errors: [404],
    handler: async ({ params }) => {
      const alert = await getAlert(deps.clickhouse, params.id);
      if (alert.kind !== 'cluster') throw errors.notFound(`cluster alert ${params.id} (it is a key alert)`);
      return { alert, ...(await clusterEvidence(deps.clickhouse, deps.config.api.query, alert)) };
    },
  });
}
