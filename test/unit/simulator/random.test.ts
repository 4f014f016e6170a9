import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeByTime } from '../../../services/simulator/merge.ts';
import { Rng } from '../../../services/simulator/random.ts';

describe('Rng', () => {
  it('repeats a sequence for a label and differs across labels', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng('x')),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng('x')),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng('y')),
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('forks streams that do not depend on how much the parent consumed', () => {
    const fresh = new Rng('p');
    const used = new Rng('p');
    for (let i = 0; i < 100; i++) used.next();
    assert.equal(fresh.fork('k').next(), used.fork('k').next());
  });

  it('keeps ints in range and weights in proportion', () => {
    const r = new Rng(1);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) {
      const v = r.int(3, 5);
      assert.ok(v >= 3 && v <= 5 && Number.isInteger(v));
      counts[
        r.weighted([
          ['a', 3],
          ['b', 1],
        ] as const)
      ] += 1;
    }
    assert.ok(Math.abs(counts.a / 20_000 - 0.75) < 0.02, JSON.stringify(counts));
  });

  it('draws exponentials with the requested mean', () => {
    const r = new Rng(2);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += r.exponential(4);
    assert.ok(Math.abs(sum / 50_000 - 4) < 0.1);
  });
});

describe('mergeByTime', () => {
  it('merges sorted streams into time order, breaking ties by source order', () => {
    const merged = [
      ...mergeByTime([
        [
          { ts: 1, s: 'a' },
          { ts: 5, s: 'a' },
        ],
        [],
        [
          { ts: 1, s: 'c' },
          { ts: 3, s: 'c' },
        ],
      ]),
    ];
    assert.deepEqual(
      merged.map((m) => `${m.ts}${m.s}`),
      ['1a', '1c', '3c', '5a'],
    );
  });
});
