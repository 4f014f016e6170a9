import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthPercentPerHour } from '../../soak/rss-slope.ts';
import { soakOptions } from '../../soak/soak-options.ts';

const minute = 60_000;

test('a flat series has no growth, a series gaining 10% of its mean per hour has 10%/h', () => {
  const flat = Array.from({ length: 10 }, (_, i) => ({ atMs: i * minute, value: 100 }));
  assert.equal(growthPercentPerHour(flat), 0);
  // value = 95 + t/6 (t in minutes): +10 over the hour around a mean of 100 over the hour 0..60.
  const growing = Array.from({ length: 61 }, (_, i) => ({ atMs: i * minute, value: 95 + i / 6 }));
  assert.ok(Math.abs(growthPercentPerHour(growing)! - 10) < 1e-9);
  const shrinking = growing.map((s) => ({ atMs: s.atMs, value: 200 - s.value }));
  assert.ok(growthPercentPerHour(shrinking)! < 0);
});

test('too few samples or no spread in time give no slope', () => {
  assert.equal(growthPercentPerHour([{ atMs: 0, value: 1 }]), null);
  assert.equal(growthPercentPerHour([0, 0, 0].map((atMs, i) => ({ atMs, value: i }))), null);
});

test('soak settings: defaults, derived warm-up and lag bound, and refusal of nonsense', () => {
  const d = soakOptions({});
  assert.deepEqual([d.minutes, d.rate, d.warmupMinutes, d.maxLagEvents, d.keep], [30, 150, 5, 9_000, false]);
  const short = soakOptions({ SOAK_MINUTES: '3', SOAK_RATE: '100', SOAK_KEEP: '1' });
  assert.equal(short.warmupMinutes, 0.5);
  assert.equal(short.keep, true);
  assert.throws(() => soakOptions({ SOAK_RATE: '-1' }), /SOAK_RATE/);
});
