import { z } from 'zod';
import { commaList } from '../common/config/env-helpers.ts';
import { featureNameSchema } from './key-timeline.ts';

/** Query-string pieces shared by the investigator and key routes. */
export const idParam = z.string().min(1).max(128);
/** Route parameters of a path with one `:id`. */
export const idParams = z.object({ id: idParam });
export const pageLimit = (max: number, fallback = 100) =>
  z.coerce.number().int().min(1).max(max).default(Math.min(fallback, max));
export const pageOffset = z.coerce.number().int().min(0).max(100_000).default(0);
export const bucketParam = z.enum(['minute', 'hour', 'day']).default('hour');

/** `features=a,b` → allowlisted feature names (at most 8). */
export const featureListParam = z
  .string()
  .max(2_000)
  .default('')
  .transform(commaList)
  .pipe(z.array(featureNameSchema).max(8));
