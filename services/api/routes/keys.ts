import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FEATURE_NAMES } from '../../detector/features/feature-names.ts';
import { dataRange, rangeView } from '../../investigate/data-range.ts';
import { keyProfile } from '../../investigate/key-population-profile.ts';
import { BUCKETS, keyTimeline } from '../../investigate/key-timeline.ts';
import { rangedQuery } from '../../investigate/query-limits.ts';
import { bucketParam, featureListParam, idParam } from '../../investigate/query-params.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

const tags = ['keys'];
const roles: Array<'analyst' | 'investigator'> = ['analyst', 'investigator'];

/** The key page for analysts: latest features against the population, and a timeline. */
export default async function keyRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const ch = deps.clickhouse;
  const limits = deps.config.api.query;
  const params = z.object({ id: idParam });

  route(app, {
    method: 'GET',
    url: '/v1/features',
    summary: 'Feature names, in vector order (the allowlist of investigator queries)',
    tags,
    roles,
    response: z.object({ features: z.array(z.string()) }),
    handler: async () => ({ features: [...FEATURE_NAMES] }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/keys/:id/profile',
    summary: "A key's latest features with population quantiles and its percentile",
    tags,
    roles,
    params,
    errors: [404, 422],
    handler: async ({ params }) => keyProfile(ch, limits, params.id),
  });

  route(app, {
    method: 'GET',
    url: '/v1/keys/:id/timeline',
    summary:
      "Bucketed usage and feature values of a key (same as the investigator timeline); without from/to, the key's data",
    tags,
    roles,
    params,
    errors: [422],
    query: rangedQuery({ bucket: bucketParam, features: featureListParam }, limits.maxRangeDays),
    handler: async ({ params, query }) => {
      const maxSpanMs = BUCKETS[query.bucket].ms * limits.maxRows;
      const range = query.range ?? (await dataRange(ch, limits, { key: params.id }, maxSpanMs, deps.now()));
      return { ...(await keyTimeline(ch, limits, { ...query, key: params.id, range })), range: rangeView(range) };
    },
  });
}
