import type { z } from 'zod';

/**
 * Every issue of a zod error on one line, `path: message` joined by `; `, so a refusal names each bad field
 * (`query.limit: Too big…`, `rules.2.action.duration: …`). `under` prefixes each path (e.g. `query`); `maxIssues`
 * keeps only the first ones (a dead-letter reason stays short). zod's own `z.prettifyError` is multi-line with the
 * path after the message; API errors, config errors, dead-letter reasons and logs want one line that starts with the
 * field. `services/common/zod-issues.ts` re-exports it for the services.
 */
export function describeIssues(error: z.ZodError, under: readonly string[] = [], maxIssues = Infinity): string {
  return error.issues
    .slice(0, maxIssues)
    .map((issue) => `${[...under, ...issue.path.map(String)].join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
