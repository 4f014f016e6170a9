import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import {
  InjectedPoisonError,
  injectedPoisonIds,
  withInjectedPoison,
} from '../../../services/stream-service/injected-poison.ts';
import type { StatefulProcessor } from '../../../services/stream-service/stateful-sink.ts';

const event = (id: string) => ({ event_id: id }) as UsageEvent;

function recorder(): StatefulProcessor & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    process: (e) => {
      seen.push(e.event_id);
      return { alerts: [], features: [] };
    },
    snapshot: () => [Buffer.from(seen.join(','))],
    load: () => true,
  };
}

test('unset or blank, the hook lists nothing and returns the processor itself', () => {
  assert.equal(injectedPoisonIds({}).size, 0);
  assert.equal(injectedPoisonIds({ DG_TEST_POISON_EVENT_IDS: ' , ' }).size, 0);
  const inner = recorder();
  assert.equal(withInjectedPoison(inner, injectedPoisonIds({})), inner);
});

test('listed ids throw before reaching the processor; the others pass through and the snapshot is the inner one', () => {
  const ids = injectedPoisonIds({ DG_TEST_POISON_EVENT_IDS: 'e-2, e-5' });
  assert.deepEqual([...ids], ['e-2', 'e-5']);
  const inner = recorder();
  const wrapped = withInjectedPoison(inner, ids);
  wrapped.process(event('e-1'));
  assert.throws(() => wrapped.process(event('e-2')), InjectedPoisonError);
  wrapped.process(event('e-3'));
  assert.throws(() => wrapped.process(event('e-5')), /injected poison event e-5/);
  assert.deepEqual(inner.seen, ['e-1', 'e-3']);
  assert.equal(Buffer.concat([...wrapped.snapshot()]).toString(), 'e-1,e-3');
});
