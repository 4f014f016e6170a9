import { z } from 'zod';
import { type SqlFragment, trusted } from '../common/clickhouse/sql.ts';
import type { Role } from './principal.ts';

/**
 * Whether a caller may read prompt text (DG_PROMPT_READ_ROLES). An exact list, unlike route roles: an operator may
 * leave even admin out.
 */
export function mayReadPrompts(role: Role, readRoles: readonly Role[]): boolean {
  return readRoles.includes(role);
}

/**
 * The SELECT columns of a prompt: `substringUTF8(prompt_text, 1, chars) AS alias, 0 AS prompt_withheld` for a role
 * that may read prompts, else `NULL AS alias, 1 AS prompt_withheld`, so withheld text never leaves ClickHouse and
 * every row says why its prompt is null. `chars` is a code constant, never input.
 */
export function promptColumns(alias: 'prompt_text' | 'prompt_preview', chars: number, mayRead: boolean): SqlFragment {
  if (!Number.isInteger(chars) || chars <= 0) throw new Error(`prompt length must be a positive integer: ${chars}`);
  return mayRead
    ? trusted(`substringUTF8(prompt_text, 1, ${chars}) AS ${alias}, toUInt8(0) AS prompt_withheld`)
    : trusted(`CAST(NULL AS Nullable(String)) AS ${alias}, toUInt8(1) AS prompt_withheld`);
}

/** The row fields promptColumns yields, for the row schemas of the queries that select them. */
export const promptFields = {
  withheld: z.coerce.number().transform((v) => v === 1),
  text: z.string().nullable(),
};
