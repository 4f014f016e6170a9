import type { z } from 'zod';
import { describeIssues } from '../../schemas/describe-issues.ts';

/** The one-line zod issue formatter; it lives in `schemas/` because `schemas/parse-event.ts` uses it too. */
export { describeIssues };

/** `value` as `schema` outputs it, or the error `fail` makes of the one-line description of its issues. */
export function parseOr<S extends z.ZodType>(schema: S, value: unknown, fail: (issues: string) => Error): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw fail(describeIssues(parsed.error));
}
