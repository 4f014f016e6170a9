import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASELINE_FLOATS } from '../../../services/detector/state/baseline.ts';
import { type CompactKey, CompactKeys } from '../../../services/detector/state/compact-keys.ts';
import { INSTRUCTED_FIELDS } from '../../../services/detector/state/key-state.ts';
import { StringPool } from '../../../services/detector/state/string-pool.ts';

function key(i: number, createdAtMs: number | null = null): CompactKey {
  return {
    orgId: `org-${i % 3}`,
    model: `model-${i % 2}`,
    endpoint: '/v1/messages',
    firstSeen: 1_700_000_000_000 + i,
    createdAtMs,
    lastSeen: 1_700_000_100_000 + i,
    baseline: {
      samples: i,
      since: i === 0 ? -1 : 1_700_000_000_500 + i,
      data: Float64Array.from({ length: BASELINE_FLOATS }, (_, j) => i + j / 7),
    },
    instructed: {
      landmark: i === 0 ? -1 : 1_700_000_000_700 + i,
      data: Float64Array.from({ length: INSTRUCTED_FIELDS }, (_, j) => i * 3 + j / 5),
    },
  };
}

const plain = (k: CompactKey) => ({
  ...k,
  baseline: { ...k.baseline, data: Array.from(k.baseline.data) },
  instructed: { ...k.instructed, data: Array.from(k.instructed.data) },
});

describe('CompactKeys (idle keys in a shared arena)', () => {
  it('returns exactly what was stored, null creation time, unset baseline and empty sub-stream included', () => {
    const keys = new CompactKeys();
    keys.set('a', key(0));
    keys.set('b', key(5, 1_600_000_000_123));
    assert.deepEqual(plain(keys.get('a')!), plain(key(0)));
    assert.deepEqual(plain(keys.get('b')!), plain(key(5, 1_600_000_000_123)));
    assert.equal(keys.get('c'), undefined);
  });

  it('keeps Map order: new ids at the end, a rewritten id in place, deleted ids gone; freed records are reused', () => {
    const keys = new CompactKeys();
    for (let i = 0; i < 10_000; i++) keys.set(`k${i}`, key(i));
    keys.set('k5', key(77));
    for (let i = 0; i < 10_000; i += 2) assert.equal(keys.delete(`k${i}`), true);
    assert.equal(keys.delete('k0'), false);
    for (let i = 0; i < 5_000; i++) keys.set(`n${i}`, key(i));
    const ids = [...keys.ids()];
    assert.equal(keys.size, 10_000);
    assert.deepEqual(ids.slice(0, 3), ['k1', 'k3', 'k5']);
    assert.equal(ids[5_000], 'n0');
    assert.deepEqual(plain(keys.get('k5')!), plain(key(77)));
    assert.deepEqual(plain(keys.get('n4999')!), plain(key(4999)));
    assert.equal(Math.max(...keys.slots.values()), 9_999, 'the 5,000 new keys took the freed records');
    assert.equal(keys.lastSeenAt(keys.slots.get('k9')!), key(9).lastSeen);
  });
});

describe('StringPool', () => {
  it('shares one copy per distinct string and forgets it with its last holder', () => {
    const pool = new StringPool();
    const a = pool.hold(['org', 1].join('-'));
    const b = pool.hold(['org', 1].join('-'));
    assert.equal(a, b);
    assert.equal(pool.size, 1);
    pool.release(a);
    assert.equal(pool.get(b), 'org-1');
    pool.release(b);
    assert.equal(pool.size, 0);
    assert.throws(() => pool.get(a), /no string/);
    assert.equal(pool.hold('other'), a, 'the freed id is reused');
  });
});
