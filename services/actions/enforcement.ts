import { z } from 'zod';

/** Whether the actions service runs in this process: resolutions lift or enforce only where it does. */
export const enforcementSchema = z.enum(['running', 'not_running']);
export type Enforcement = z.infer<typeof enforcementSchema>;

/** The answer when a resolution asked to lift or enforce and the API runs without the actions service. */
export function actionsNotRunning(what: 'lifted' | 'enforced'): string {
  return (
    `automatic actions were not ${what}: the actions service does not run in this API process ` +
    '(started with --no-actions); act on the keys through an API instance that runs it'
  );
}
