import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TimeRange } from '../../common/clickhouse/time-range.ts';
import { type DataScope, dataRange, rangeView, rangeViewSchema } from '../../investigate/data-range.ts';
import { EXPORT_FORMATS, exportEvents } from '../../investigate/event-export.ts';
import { eventSample, eventSampleSchema } from '../../investigate/event-sample.ts';
import { assertMayInvestigateKey } from '../../investigate/key-access.ts';
import { BUCKETS, featureNameSchema, keyTimeline, keyTimelineSchema } from '../../investigate/key-timeline.ts';
import { linkedKeys, linkedKeysSchema } from '../../investigate/linked-keys.ts';
import { orgRollup, orgRollupSchema } from '../../investigate/org-rollup.ts';
import { rangedQuery } from '../../investigate/query-limits.ts';
import { bucketParam, featureListParam, idParam, pageLimit, pageOffset } from '../../investigate/query-params.ts';
import { AGGREGATIONS, topKeys, topKeysSchema } from '../../investigate/top-keys.ts';
import { principalOf } from '../auth-hook.ts';
import type { RoutePlugin } from '../deps.ts';
import { callerMayReadPrompts } from '../prompt-readers.ts';
import { errorResponses, textResponse } from '../route-docs.ts';
import { routesOf } from '../typed-routes.ts';

const investigators = ['investigator'] as const;
/** Key-scoped, read-only queries an analyst may run on keys with alerts (key-access.ts). */
const keyReaders = ['investigator', 'analyst'] as const;
/** A response with the range it covered. */
const ranged = <S extends z.ZodObject>(schema: S) => schema.extend({ range: rangeViewSchema });
const DAY_MS = 86_400_000;
const RANGE_NOTE = '; without from/to, the range of the data (first to last event)';

/**
 * Time-bounded, paginated investigator queries over ClickHouse, each with a timeout and a row limit. Without
 * `from`/`to` a query covers its scope's data (dataRange), and the response says which `range` it used.
 */
const investigateRoutes: RoutePlugin = async (app, { deps }) => {
  const route = routesOf(app, ['investigate']);
  const ch = deps.clickhouse;
  const limits = deps.config.api.query;
  const days = limits.maxRangeDays;
  const keyParams = z.object({ key: idParam });
  const rangeOf = (given: TimeRange | null, scope: DataScope, maxSpanMs = days * DAY_MS) =>
    given ? Promise.resolve(given) : dataRange(ch, limits, scope, maxSpanMs, deps.now());
  const mayInvestigate = (request: FastifyRequest, key: string) =>
    assertMayInvestigateKey(ch, limits, principalOf(request).role, key);

  route.get(
    '/v1/investigate/keys/:key/timeline',
    {
      roles: keyReaders,
      summary: `Bucketed usage and feature values of one key${RANGE_NOTE}, at most ${limits.maxRows} buckets`,
      params: keyParams,
      querystring: rangedQuery({ bucket: bucketParam, features: featureListParam }, days),
      response: { 200: ranged(keyTimelineSchema), ...errorResponses(404, 422) },
    },
    async (request) => {
      const { params, query } = request;
      await mayInvestigate(request, params.key);
      const range = await rangeOf(query.range, { key: params.key }, BUCKETS[query.bucket].ms * limits.maxRows);
      const timeline = await keyTimeline(ch, limits, { ...query, key: params.key, range });
      return { ...timeline, range: rangeView(range) };
    },
  );

  route.get(
    '/v1/investigate/top-keys',
    {
      roles: investigators,
      summary: 'Keys ranked by an allowlisted feature over a range; without from/to, the last day of data',
      querystring: rangedQuery(
        {
          feature: featureNameSchema,
          agg: z.enum(Object.keys(AGGREGATIONS) as [keyof typeof AGGREGATIONS]).default('max'),
          org: idParam.optional(),
          limit: pageLimit(limits.maxRows, 50),
          offset: pageOffset,
        },
        days,
      ),
      response: { 200: ranged(topKeysSchema), ...errorResponses(422) },
    },
    async ({ query }) => {
      const range = await rangeOf(query.range, { org: query.org }, DAY_MS);
      return { ...(await topKeys(ch, limits, { ...query, range })), range: rangeView(range) };
    },
  );

  route.get(
    '/v1/investigate/keys/:key/linked',
    {
      roles: keyReaders,
      summary: `Keys sharing templates, system prompts, client IPs or ASNs with a key${RANGE_NOTE}`,
      params: keyParams,
      querystring: rangedQuery({ limit: pageLimit(limits.maxRows, 50), offset: pageOffset }, days),
      response: { 200: ranged(linkedKeysSchema), ...errorResponses(404, 422) },
    },
    async (request) => {
      const { params, query } = request;
      await mayInvestigate(request, params.key);
      const range = await rangeOf(query.range, { key: params.key });
      return { ...(await linkedKeys(ch, limits, { ...query, key: params.key, range })), range: rangeView(range) };
    },
  );

  route.get(
    '/v1/investigate/keys/:key/events',
    {
      roles: keyReaders,
      summary: `Raw events of a key in a range, oldest first, with an opaque cursor${RANGE_NOTE}`,
      params: keyParams,
      querystring: rangedQuery({ limit: pageLimit(limits.maxRows), cursor: z.string().max(512).optional() }, days),
      response: { 200: ranged(eventSampleSchema), ...errorResponses(404, 422) },
    },
    async (request) => {
      const { params, query } = request;
      await mayInvestigate(request, params.key);
      const range = await rangeOf(query.range, { key: params.key });
      const sample = await eventSample(ch, limits, {
        ...query,
        key: params.key,
        range,
        mayReadPrompts: callerMayReadPrompts(request, deps),
      });
      return { ...sample, range: rangeView(range) };
    },
  );

  route.get(
    '/v1/investigate/orgs/:org/rollup',
    {
      roles: investigators,
      summary: `Per-key usage and alerts of an org over a range${RANGE_NOTE}`,
      params: z.object({ org: idParam }),
      querystring: rangedQuery({ limit: pageLimit(limits.maxRows, 50), offset: pageOffset }, days),
      response: { 200: ranged(orgRollupSchema), ...errorResponses(422) },
    },
    async ({ params, query }) => {
      const range = await rangeOf(query.range, { org: params.org });
      return { ...(await orgRollup(ch, limits, { ...query, org: params.org, range })), range: rangeView(range) };
    },
  );

  route.get(
    '/v1/investigate/export',
    {
      roles: investigators,
      summary: `Stream the events of a key or an org as CSV or JSONL (row-capped)${RANGE_NOTE}`,
      querystring: rangedQuery(
        {
          key: idParam.optional(),
          org: idParam.optional(),
          format: z.enum(Object.keys(EXPORT_FORMATS) as [keyof typeof EXPORT_FORMATS]).default('jsonl'),
          rows: z.coerce.number().int().min(1).max(limits.exportMaxRows).default(limits.exportMaxRows),
        },
        days,
      ).refine((q) => Boolean(q.key) !== Boolean(q.org), 'give exactly one of key or org'),
      response: { 200: textResponse('application/x-ndjson', 'text/csv'), ...errorResponses(422) },
    },
    async (request, reply) => {
      const { query } = request;
      const range = await rangeOf(query.range, { key: query.key, org: query.org });
      const body = await exportEvents(ch, limits, {
        ...query,
        range,
        mayReadPrompts: callerMayReadPrompts(request, deps),
      });
      const type = query.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
      return reply
        .type(`${type}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="events.${query.format}"`)
        .send(body as unknown as string); // a stream of the documented text
    },
  );
};
export default investigateRoutes;
