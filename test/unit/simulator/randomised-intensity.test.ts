import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../services/simulator/random.ts';
import {
  dailyCycle,
  flat,
  type Intensity,
  officeHours,
  windows,
  withHourlyNoise,
} from '../../../services/simulator/randomised/intensity.ts';

const START = Date.parse('2026-03-05T00:00:00Z');
const END = START + 72 * 3_600_000;

/** Thinning is exact only if at(t) never exceeds the bound given at an earlier t0 while t < until. */
function assertBounds(name: string, intensity: Intensity): void {
  const rng = new Rng(`bounds/${name}`);
  for (let i = 0; i < 3000; i++) {
    const t0 = rng.uniform(START, END);
    const [peak, until] = intensity.bound(t0);
    assert.ok(until > t0, `${name}: bound at ${t0} ends at ${until}`);
    const t = rng.uniform(t0, Math.min(until, END));
    assert.ok(intensity.at(t) <= peak + 1e-12, `${name}: at(${t}) = ${intensity.at(t)} > ${peak}`);
  }
}

describe('randomised intensities', () => {
  it('never exceed their local bound, so arrivals thinned against it follow the intensity', () => {
    assertBounds('daily', dailyCycle(5.5, 18, 0.1, 1.4));
    assertBounds('office', officeHours(5.5, 9, 17, 0.05));
    assertBounds('office-utc', officeHours(-6, 8, 18, 0.1));
    const jobs = windows(new Rng('w'), START, END, [1, 4], [2, 10]);
    assertBounds('windows', jobs);
    assertBounds('noisy-windows', withHourlyNoise(jobs, 'noise', 0.6));
    assertBounds('noisy-office', withHourlyNoise(officeHours(1, 8, 18, 0.1), 'noise2', 0.3));
    assertBounds('flat', flat);
  });

  it('is idle between job windows except for a trickle, and full inside them', () => {
    const jobs = windows(new Rng('w2'), START, END, [1, 2], [5, 6]);
    const inside: number[] = [];
    for (let t = START; t < END; t += 60_000) inside.push(jobs.at(t));
    const on = inside.filter((v) => v === 1).length / inside.length;
    assert.ok(on > 0.1 && on < 0.4, `on share ${on}`);
    assert.ok(inside.every((v) => v === 1 || v === 0.01));
  });
});
