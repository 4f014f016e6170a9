import type { z } from 'zod';
import { errors } from '../common/errors.ts';

/** Opaque pagination cursors: base64url JSON of the last row's sort key, validated by a zod schema on the way in. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw errors.badInput('cursor is not one this API returned');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw errors.badInput('cursor is not one this API returned');
  return parsed.data;
}
