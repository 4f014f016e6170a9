import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerLag, totalOffsets } from '../../../services/api/stream-metrics.ts';

test('consumer lag sums end minus committed per partition; uncommitted partitions count from the start', () => {
  const end = [
    { partition: 0, offset: '100' },
    { partition: 1, offset: '50' },
    { partition: 2, offset: '7' },
  ];
  const committed = [
    { partition: 0, offset: '90' },
    { partition: 1, offset: '50' },
    { partition: 2, offset: '-1' },
  ];
  assert.equal(consumerLag(end, committed), 10 + 0 + 7);
  assert.equal(consumerLag(end, []), 157);
  assert.equal(totalOffsets(end), 157);
});
