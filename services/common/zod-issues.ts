/** The one-line zod issue formatter; it lives in `schemas/` because `schemas/parse-event.ts` uses it too. */
export { describeIssues } from '../../schemas/describe-issues.ts';
