import { z } from 'zod';

/**
 * The API's roles: analysts work alerts, investigators query history, gateways ask for decisions, admins all. Here
 * rather than in `auth/` because configuration (`DG_PROMPT_READ_ROLES`) names roles too.
 */
export const roleSchema = z.enum(['analyst', 'investigator', 'gateway', 'admin']);
export type Role = z.infer<typeof roleSchema>;
