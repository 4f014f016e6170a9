import type { z } from 'zod';

/**
 * Every issue of a zod error on one line, `path: message` joined by `; `, so a refusal names each bad field
 * (`query.limit: Too big…`, `rules.2.action.duration: …`). `under` prefixes each path (e.g. `query`).
 * zod's own `z.prettifyError` is multi-line with the path after the message; API errors, config errors and logs want
 * one line that starts with the field.
 */
export function describeIssues(error: z.ZodError, under: readonly string[] = []): string {
  return error.issues
    .map((issue) => `${[...under, ...issue.path.map(String)].join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
