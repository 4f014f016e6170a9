import { z } from 'zod';
import { csv } from '../common/config/env-helpers.ts';
import { parseOr } from '../common/zod-issues.ts';
import type { StatefulProcessor } from './stateful-sink.ts';

/**
 * Test-only fault injection for the chaos poison-event scenario: `DG_TEST_POISON_EVENT_IDS` (comma-separated event
 * ids) makes the detector (stage 1) throw on exactly those events, as a detector bug would. Unset or empty (every
 * real deployment) it is inert: the processor is returned unwrapped. Deliberately not part of the configuration
 * table; documented in test/chaos/README.md.
 */
const hookEnv = z.object({
  DG_TEST_POISON_EVENT_IDS: csv(''),
});

export function injectedPoisonIds(env: Record<string, string | undefined> = process.env): ReadonlySet<string> {
  const parsed = parseOr(hookEnv, env, (issues) => new Error(`DG_TEST_POISON_EVENT_IDS: ${issues}`));
  return new Set(parsed.DG_TEST_POISON_EVENT_IDS);
}

export class InjectedPoisonError extends Error {
  constructor(eventId: string) {
    super(`injected poison event ${eventId} (DG_TEST_POISON_EVENT_IDS)`);
    this.name = 'InjectedPoisonError';
  }
}

/** The processor, throwing on the listed event ids; the processor itself when the list is empty. */
export function withInjectedPoison(processor: StatefulProcessor, ids: ReadonlySet<string>): StatefulProcessor {
  if (ids.size === 0) return processor;
  return {
    ...processor,
    process(event) {
      if (ids.has(event.event_id)) throw new InjectedPoisonError(event.event_id);
      return processor.process(event);
    },
  };
}
