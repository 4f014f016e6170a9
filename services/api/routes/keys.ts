import { z } from 'zod';
import { FEATURE_NAMES } from '../../detector/features/feature-names.ts';
import { dataRange, rangeView, rangeViewSchema } from '../../investigate/data-range.ts';
import { keyProfile, keyProfileSchema } from '../../investigate/key-population-profile.ts';
import { BUCKETS, keyTimeline, keyTimelineSchema } from '../../investigate/key-timeline.ts';
import { rangedQuery } from '../../investigate/query-limits.ts';
import { bucketParam, featureListParam, idParams } from '../../investigate/query-params.ts';
import type { RoutePlugin } from '../deps.ts';
import { errorResponses } from '../route-docs.ts';
import { readers, routesOf } from '../typed-routes.ts';

/** The key page for analysts: latest features against the population, and a timeline. */
const keyRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['keys']);
  const ch = deps.clickhouse;
  const limits = deps.config.api.query;

  route.get(
    '/v1/features',
    {
      roles: readers,
      summary: 'Feature names, in vector order (the allowlist of investigator queries)',
      response: { 200: z.object({ features: z.array(z.string()) }) },
    },
    async () => ({ features: [...FEATURE_NAMES] }),
  );

  route.get(
    '/v1/keys/:id/profile',
    {
      roles: readers,
      summary: "A key's latest features with population quantiles and its percentile",
      params: idParams,
      response: { 200: keyProfileSchema, ...errorResponses(404, 422) },
    },
    async (request) => keyProfile(ch, limits, request.params.id),
  );

  route.get(
    '/v1/keys/:id/timeline',
    {
      roles: readers,
      summary:
        "Bucketed usage and feature values of a key (same as the investigator timeline); without from/to, the key's data",
      params: idParams,
      querystring: rangedQuery({ bucket: bucketParam, features: featureListParam }, limits.maxRangeDays),
      response: { 200: keyTimelineSchema.extend({ range: rangeViewSchema }), ...errorResponses(422) },
    },
    async ({ params, query }) => {
      const maxSpanMs = BUCKETS[query.bucket].ms * limits.maxRows;
      const range = query.range ?? (await dataRange(ch, limits, { key: params.id }, maxSpanMs, deps.now()));
      return { ...(await keyTimeline(ch, limits, { ...query, key: params.id, range })), range: rangeView(range) };
    },
  );
};
export default keyRoutes;
