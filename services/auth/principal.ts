import { z } from 'zod';
import { type Role, roleSchema } from '../common/roles.ts';

export { type Role, roleSchema };

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
