import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poissonInterval, ratePer1000 } from '../../../services/eval/metrics/confidence.ts';

const close = (actual: number, expected: number, tol = 5e-4) =>
  assert.ok(Math.abs(actual - expected) < tol, `${actual} vs ${expected}`);

describe('exact 95% confidence bounds', () => {
  it('match published Garwood intervals for Poisson counts', () => {
    // Garwood (1936) two-sided 95% limits, as tabulated e.g. by Ulm (1990)
    const table: [number, number, number][] = [
      [0, 0, 3.689],
      [1, 0.0253, 5.572],
      [2, 0.2422, 7.225],
      [10, 4.7954, 18.39],
    ];
    for (const [k, lower, upper] of table) {
      const ci = poissonInterval(k);
      close(ci.lower, lower);
      close(ci.upper, upper, 1e-3);
    }
  });

  it('turns flagged key-days into a rate per 1,000 with its upper bound', () => {
    const none = ratePer1000(0, 5000);
    assert.equal(none.rate, 0);
    close(none.upper95, (1000 * 3.689) / 5000, 1e-3);
    assert.ok(ratePer1000(3, 9000).upper95 > ratePer1000(3, 9000).rate);
    assert.deepEqual(ratePer1000(0, 0), { rate: 0, upper95: 0 });
  });

  it('refuses impossible counts', () => {
    assert.throws(() => poissonInterval(-1), RangeError);
  });
});
