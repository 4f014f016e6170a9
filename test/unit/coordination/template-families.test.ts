import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemplateFamilies } from '../../../services/coordination/template-families.ts';
import { nearDuplicate, randomFingerprint, rng } from './fixtures.ts';

test('centroids within the radius join one family; unrelated ones start their own', () => {
  const random = rng(1);
  const families = new TemplateFamilies(12);
  const base = randomFingerprint(random);
  const id = families.assign(base, null);
  for (let i = 0; i < 50; i++) assert.equal(families.assign(nearDuplicate(base, 1 + (i % 7), random), null), id);
  const other = families.assign(randomFingerprint(random), null);
  assert.notEqual(other, id);
  assert.equal(families.size, 2);
});

test('a key keeps its family while its centroid stays in range, and a family without members is dropped', () => {
  const random = rng(2);
  const families = new TemplateFamilies(12);
  const base = randomFingerprint(random);
  const first = families.assign(base, null);
  // 7 bits apart always share one of the eight 8-bit LSH bands.
  const near = nearDuplicate(base, 7, random);
  const second = families.assign(near, null);
  assert.equal(second, first);
  const drifted = nearDuplicate(near, 4, random);
  assert.equal(families.assign(drifted, second), first, 'kept although the lookup alone may miss it');
  families.release(first);
  families.release(first);
  assert.equal(families.size, 1);
  families.release(first);
  assert.equal(families.size, 0);
  assert.equal(families.leader(first), undefined);
});
