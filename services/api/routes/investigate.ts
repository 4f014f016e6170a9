import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EXPORT_FORMATS, exportEvents } from '../../investigate/event-export.ts';
import { eventSample } from '../../investigate/event-sample.ts';
import { featureNameSchema, keyTimeline } from '../../investigate/key-timeline.ts';
import { linkedKeys } from '../../investigate/linked-keys.ts';
import { orgRollup } from '../../investigate/org-rollup.ts';
import { rangedQuery } from '../../investigate/query-limits.ts';
import { bucketParam, featureListParam, idParam, pageLimit, pageOffset } from '../../investigate/query-params.ts';
import { AGGREGATIONS, topKeys } from '../../investigate/top-keys.ts';
import type { AppDeps } from '../deps.ts';
import { route } from '../zod-route.ts';

const tags = ['investigate'];
const roles: ['investigator'] = ['investigator'];

/** Time-bounded, paginated investigator queries over ClickHouse, each with a timeout and a row limit. */
export default async function investigateRoutes(app: FastifyInstance, { deps }: { deps: AppDeps }): Promise<void> {
  const ch = deps.clickhouse;
  const limits = deps.config.api.query;
  const days = limits.maxRangeDays;
  const keyParams = z.object({ key: idParam });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/keys/:key/timeline',
    summary: 'Bucketed usage and feature values of one key',
    tags,
    roles,
    errors: [422],
    params: keyParams,
    query: rangedQuery({ bucket: bucketParam, features: featureListParam }, days),
    handler: async ({ params, query }) =>
      keyTimeline(ch, limits, { key: params.key, range: query.range, bucket: query.bucket, features: query.features }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/top-keys',
    summary: 'Keys ranked by an allowlisted feature over a range',
    tags,
    roles,
    errors: [422],
    query: rangedQuery(
      {
        feature: featureNameSchema,
        agg: z.enum(Object.keys(AGGREGATIONS) as [keyof typeof AGGREGATIONS]).default('max'),
        org: idParam.optional(),
        limit: pageLimit(limits.maxRows, 50),
        offset: pageOffset,
      },
      days,
    ),
    handler: async ({ query }) => topKeys(ch, limits, query),
  });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/keys/:key/linked',
    summary: 'Keys sharing templates, system prompts, client IPs or ASNs with a key',
    tags,
    roles,
    errors: [422],
    params: keyParams,
    query: rangedQuery({ limit: pageLimit(limits.maxRows, 50), offset: pageOffset }, days),
    handler: async ({ params, query }) => linkedKeys(ch, limits, { key: params.key, ...query }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/keys/:key/events',
    summary: 'Raw events of a key in a range, oldest first, with an opaque cursor',
    tags,
    roles,
    errors: [422],
    params: keyParams,
    query: rangedQuery({ limit: pageLimit(limits.maxRows), cursor: z.string().max(512).optional() }, days),
    handler: async ({ params, query }) => eventSample(ch, limits, { key: params.key, ...query }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/orgs/:org/rollup',
    summary: 'Per-key usage and alerts of an org over a range',
    tags,
    roles,
    errors: [422],
    params: z.object({ org: idParam }),
    query: rangedQuery({ limit: pageLimit(limits.maxRows, 50), offset: pageOffset }, days),
    handler: async ({ params, query }) => orgRollup(ch, limits, { org: params.org, ...query }),
  });

  route(app, {
    method: 'GET',
    url: '/v1/investigate/export',
    summary: 'Stream the events of a key or an org as CSV or JSONL (row-capped)',
    tags,
    roles,
    errors: [422],
    query: rangedQuery(
      {
        key: idParam.optional(),
        org: idParam.optional(),
        format: z.enum(Object.keys(EXPORT_FORMATS) as [keyof typeof EXPORT_FORMATS]).default('jsonl'),
        rows: z.coerce.number().int().min(1).max(limits.exportMaxRows).default(limits.exportMaxRows),
      },
      days,
    ).refine((q) => Boolean(q.key) !== Boolean(q.org), 'give exactly one of key or org'),
    produces: ['application/x-ndjson', 'text/csv'],
    handler: async ({ query, reply }) => {
      const body = await exportEvents(ch, limits, query);
      const type = query.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
      return reply
        .type(`${type}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="events.${query.format}"`)
        .send(body);
    },
  });
}
