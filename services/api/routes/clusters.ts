import { z } from 'zod';
import { getAlert } from '../../alerts-store/alert-queries.ts';
import { alertViewSchema } from '../../alerts-store/alert-row.ts';
import { errors } from '../../common/errors.ts';
import { clusterEvidence, clusterEvidenceSchema } from '../../investigate/cluster-evidence.ts';
import { idParam } from '../../investigate/query-params.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses } from '../route-docs.ts';
import { readers, routesOf } from '../typed-routes.ts';

/** The cluster page: a cluster alert's members and the templates, prompts, IPs and ASNs they share. */
const clusterRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['clusters']);
  route.get(
    '/v1/clusters/:id',
    {
      roles: readers,
      summary: 'Members and shared evidence of a cluster alert',
      params: z.object({ id: idParam }),
      response: { 200: clusterEvidenceSchema.extend({ alert: alertViewSchema }), ...errorResponses(404) },
    },
    async (request) => {
      const alert = await getAlert(deps.clickhouse, request.params.id);
      if (alert.kind !== 'cluster') throw errors.notFound(`cluster alert ${request.params.id} (it is a key alert)`);
      return { alert, ...(await clusterEvidence(deps.clickhouse, deps.config.api.query, alert)) };
    },
  );
};
export default clusterRoutes;
