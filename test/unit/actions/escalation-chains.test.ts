import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EscalationChains } from '../../../services/actions/escalation-chains.ts';

describe('escalation chains', () => {
  it('names every alert of a chain by its first alert, redeliveries included', () => {
    const chains = new EscalationChains();
    assert.equal(chains.rootOf({ alert_id: 'a', escalates: null }), 'a');
    assert.equal(chains.rootOf({ alert_id: 'b', escalates: 'a' }), 'a');
    assert.equal(chains.rootOf({ alert_id: 'c', escalates: 'b' }), 'a');
    assert.equal(chains.rootOf({ alert_id: 'b', escalates: 'a' }), 'a');
    assert.equal(chains.rootOf({ alert_id: 'x', escalates: null }), 'x');
  });

  it('an escalation of an alert it never saw (another instance, or forgotten) starts from that alert', () => {
    const chains = new EscalationChains();
    assert.equal(chains.rootOf({ alert_id: 'e2', escalates: 'e1' }), 'e1');
    assert.equal(chains.rootOf({ alert_id: 'e3', escalates: 'e2' }), 'e1');
  });

  it('forgets the least recently used alerts past 10,000', () => {
    const chains = new EscalationChains();
    chains.rootOf({ alert_id: 'first', escalates: null });
    chains.rootOf({ alert_id: 'second', escalates: 'first' });
    for (let i = 0; i < 10_000; i++) chains.rootOf({ alert_id: `filler-${i}`, escalates: null });
    assert.equal(chains.rootOf({ alert_id: 'third', escalates: 'second' }), 'second', '"second" was forgotten');
  });
});
