import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleCorrelation, scheduleTokens } from '../../../services/coordination/key-schedule.ts';
import { rng } from './fixtures.ts';

const phases = new Array(12).fill(0);

function hours(active: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => active[h] ?? 0);
}

test('a key busy in a few hours gets its peak hour and stronger neighbour as tokens', () => {
  assert.deepEqual(scheduleTokens(hours({ 2: 4, 3: 10, 4: 9 }), phases), ['h:3', 'h:4']);
});

test('a key spread over the whole day, or with too few events, has no schedule token', () => {
  assert.deepEqual(scheduleTokens(new Array(24).fill(3), phases), []);
  assert.deepEqual(scheduleTokens(hours({ 3: 4 }), phases), []);
});

test('a cron-like key firing in one 5-minute phase gets a phase token', () => {
  const cron = new Array(12).fill(0);
  cron[0] = 24;
  assert.deepEqual(scheduleTokens(new Array(24).fill(1), cron), ['m:0']);
});

test('members on one schedule correlate; members on their own schedules do not', () => {
  const random = rng(5);
  const together = Array.from({ length: 10 }, () => hours({ 1: 5 + Math.floor(random() * 3), 2: 8, 3: 6 }));
  assert.ok(scheduleCorrelation(together) > 0.9);
  const apart = Array.from({ length: 10 }, (_, i) => hours({ [i * 2]: 6, [i * 2 + 1]: 6 }));
  assert.ok(scheduleCorrelation(apart) < 0.1);
});
