import type { FastifyRequest } from 'fastify';
import { mayReadPrompts } from '../auth/prompt-access.ts';
import { principalOf } from './auth-hook.ts';
import type { AppDeps } from './deps.ts';

/** Whether the authenticated caller's role is in DG_PROMPT_READ_ROLES. */
export function callerMayReadPrompts(request: FastifyRequest, deps: AppDeps): boolean {
  return mayReadPrompts(principalOf(request).role, deps.config.api.promptReadRoles);
}
