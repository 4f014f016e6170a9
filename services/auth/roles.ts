import { z } from 'zod';

/** Who may do what: analysts work alerts, investigators query history, gateways ask for decisions, admins all. */
export const roleSchema = z.enum(['analyst', 'investigator', 'gateway', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/** The authenticated caller of a request. Never carries the token value. */
export const principalSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type Principal = z.infer<typeof principalSchema>;

/** Admin passes every role check; other roles must be listed. */
export function roleAllowed(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
