import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BreakerTrip, CircuitBreaker } from '../../../services/actions/circuit-breaker.ts';

const HOUR = 3_600_000;

describe('circuit breaker', () => {
  it('trips at exactly N overall and refuses the next action', () => {
    const trips: BreakerTrip[] = [];
    const b = new CircuitBreaker({ maxPerWindow: 3, maxPerOrgPerWindow: 100, windowMs: HOUR }, (t) => trips.push(t));
    for (let i = 0; i < 2; i++) assert.deepEqual(b.tryAcquire(`a${i}`, `org${i}`, 1_000), { allowed: true });
    assert.equal(b.status(1_000).open, false);
    assert.deepEqual(b.tryAcquire('a2', 'org2', 1_000), { allowed: true });
    assert.equal(b.status(1_000).open, true);
    assert.deepEqual(trips, [{ scope: 'overall', count: 3, limit: 3, at_ms: 1_000 }]);
    const refused = b.tryAcquire('a3', 'org3', 1_000);
    assert.equal(refused.allowed, false);
    assert.match(refused.allowed ? '' : refused.reason, /circuit breaker open: 3\/3 automatic actions/);
    assert.equal(b.status(1_000).recommendations_while_open, 1);
  });

  it('trips per org without holding back other orgs', () => {
    const b = new CircuitBreaker({ maxPerWindow: 100, maxPerOrgPerWindow: 2, windowMs: HOUR });
    assert.equal(b.tryAcquire('a', 'acme', 0).allowed, true);
    assert.equal(b.tryAcquire('b', 'acme', 0).allowed, true);
    const refused = b.tryAcquire('c', 'acme', 0);
    assert.match(refused.allowed ? '' : refused.reason, /2\/2 automatic actions for org acme/);
    assert.equal(b.tryAcquire('d', 'globex', 0).allowed, true);
    const status = b.status(0);
    assert.deepEqual(status.orgs, [
      { org_id: 'acme', count: 2, limit: 2, tripped: true },
      { org_id: 'globex', count: 1, limit: 2, tripped: false },
    ]);
    assert.equal(status.overall.tripped, false);
    assert.equal(status.open, true);
  });

  it('counts an action id once and closes when the window slides past', () => {
    const b = new CircuitBreaker({ maxPerWindow: 2, maxPerOrgPerWindow: 2, windowMs: HOUR });
    b.tryAcquire('same', 'o', 0);
    b.tryAcquire('same', 'o', 10);
    b.record('same', 'o', 0, 20);
    assert.equal(b.status(20).overall.count, 1);
    b.tryAcquire('other', 'o', 30 * 60_000);
    assert.equal(b.tryAcquire('third', 'o', 30 * 60_000).allowed, false);
    assert.equal(b.tryAcquire('third', 'o', HOUR + 1).allowed, true);
    assert.equal(b.status(HOUR + 1).overall.count, 2);
  });

  it('counts a decision over many orgs once overall and once in each org, and lets all its orgs through', () => {
    const b = new CircuitBreaker({ maxPerWindow: 2, maxPerOrgPerWindow: 2, windowMs: HOUR });
    assert.equal(b.tryAcquire('solo', 'o0', 0).allowed, true);
    for (const org of ['o1', 'o2', 'o3', 'o0']) assert.equal(b.tryAcquire(`clu:${org}`, org, 0, 'clu').allowed, true);
    const status = b.status(0);
    assert.deepEqual(status.overall, { count: 2, limit: 2, tripped: true });
    assert.deepEqual(status.orgs[0], { org_id: 'o0', count: 2, limit: 2, tripped: true });
    assert.equal(b.tryAcquire('next', 'o4', 0).allowed, false, 'a third decision is held back');
    b.record('seen:o5', 'o5', 0, 0, 'seen');
    assert.equal(b.status(0).overall.count, 3, 'decisions seen on the topic count once each');
  });

  it('ignores actions recorded from the topic that are older than the window', () => {
    const b = new CircuitBreaker({ maxPerWindow: 1, maxPerOrgPerWindow: 1, windowMs: HOUR });
    b.record('old', 'o', 0, 2 * HOUR);
    assert.equal(b.tryAcquire('new', 'o', 2 * HOUR).allowed, true);
  });

  it('expires actions recorded out of time order by their own time, and counts each org and decision once', () => {
    const b = new CircuitBreaker({ maxPerWindow: 100, maxPerOrgPerWindow: 100, windowMs: HOUR });
    b.record('late', 'acme', 50 * 60_000, 50 * 60_000);
    b.record('early', 'acme', 10 * 60_000, 50 * 60_000);
    b.record('cluster-acme', 'acme', 30 * 60_000, 50 * 60_000, 'alert-1');
    b.record('cluster-globex', 'globex', 30 * 60_000, 50 * 60_000, 'alert-1');
    assert.equal(b.status(50 * 60_000).overall.count, 3, 'two single actions and one cluster decision');
    // 75 min: the action at 10 min has left the one-hour window, those at 30 and 50 min have not.
    const later = b.status(75 * 60_000);
    assert.equal(later.overall.count, 2);
    assert.deepEqual(
      later.orgs.map((o) => [o.org_id, o.count]),
      [
        ['acme', 2],
        ['globex', 1],
      ],
    );
    assert.equal(b.status(115 * 60_000).overall.count, 0);
    assert.deepEqual(b.status(115 * 60_000).orgs, []);
  });
});
