import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashString } from '../../../services/common/text/tokenize.ts';
import { BucketRing } from '../../../services/detector/sketches/bucket-ring.ts';
import { DecayedHistogram } from '../../../services/detector/sketches/decayed-histogram.ts';
import { DecayedSums } from '../../../services/detector/sketches/decayed-sums.ts';
import { EwmaCusum } from '../../../services/detector/sketches/ewma-cusum.ts';
import { HyperLogLog } from '../../../services/detector/sketches/hyperloglog.ts';
import { RotatingDistinct } from '../../../services/detector/sketches/rotating-distinct.ts';
import { SimhashRing } from '../../../services/detector/sketches/simhash-ring.ts';

const T0 = Date.parse('2026-03-02T00:00:00Z');

describe('HyperLogLog', () => {
  it('stays within 3 standard errors over many cardinalities (p=8, σ≈6.5%)', () => {
    for (const n of [1_000, 5_000, 20_000, 100_000]) {
      const hll = new HyperLogLog(8);
      for (let i = 0; i < n; i++) hll.add(hashString(`item-${n}-${i}`));
      const error = Math.abs(hll.estimate() - n) / n;
      assert.ok(error < 3 * 0.065, `n=${n} error ${error.toFixed(3)}`);
    }
  });

  it('counts small sets nearly exactly and ignores repeats', () => {
    const hll = new HyperLogLog(8);
    for (let r = 0; r < 5; r++) for (let i = 0; i < 10; i++) hll.add(hashString(`ip-${i}`));
    assert.ok(Math.abs(hll.estimate() - 10) < 0.5);
  });

  it('estimates a union without merging', () => {
    const a = new HyperLogLog(8);
    const b = new HyperLogLog(8);
    for (let i = 0; i < 300; i++) a.add(hashString(`a${i}`));
    for (let i = 0; i < 300; i++) b.add(hashString(i < 150 ? `a${i}` : `b${i}`));
    const union = a.unionEstimate(b);
    assert.ok(Math.abs(union - 450) / 450 < 0.2, `union ${union}`);
  });
});

describe('RotatingDistinct', () => {
  const G = 3_600_000;
  it('covers the current and previous generation, then forgets', () => {
    const d = new RotatingDistinct(8, G);
    for (let i = 0; i < 20; i++) d.add(hashString(`x${i}`), T0 + i);
    for (let i = 0; i < 10; i++) d.add(hashString(`y${i}`), T0 + G + i);
    assert.ok(Math.abs(d.distinct() - 30) < 2, `${d.distinct()}`);
    assert.equal(d.adds(), 30);
    assert.ok(Math.abs(d.newDistinct() - 10) < 2, `${d.newDistinct()}`);
    d.add(hashString('z'), T0 + 2 * G);
    assert.ok(Math.abs(d.distinct() - 11) < 1, `${d.distinct()}`);
    d.add(hashString('late'), T0 + 10 * G);
    assert.equal(Math.round(d.distinct()), 1);
    assert.equal(d.adds(), 1);
  });
});

describe('BucketRing', () => {
  it('sums the newest buckets, drops expired ones and places late events', () => {
    const ring = new BucketRing(60_000, 60, 2);
    for (let m = 0; m < 10; m++) ring.add(T0 + m * 60_000, 0, m + 1);
    assert.equal(ring.sum(0, 5), 6 + 7 + 8 + 9 + 10);
    assert.equal(ring.sum(0), 55);
    assert.equal(ring.max(0), 10);
    assert.equal(ring.add(T0 + 3 * 60_000 + 5, 0, 100), true);
    assert.equal(ring.sum(0), 155);
    ring.advance(T0 + 65 * 60_000);
    assert.equal(ring.sum(0), 7 + 8 + 9 + 10, 'minutes 0-5 left the 60-minute window');
    assert.equal(ring.add(T0, 0, 1), false);
    ring.advance(T0 + 200 * 60_000);
    assert.equal(ring.sum(0), 0);
    assert.equal(ring.nonZero(0), 0);
  });
});

describe('DecayedSums', () => {
  it('weighs an event one half-life older at half', () => {
    const sums = new DecayedSums(2, 60_000);
    let w = sums.weight(T0);
    sums.add(0, w);
    w = sums.weight(T0 + 60_000);
    sums.add(0, w);
    sums.add(1, w);
    assert.ok(Math.abs(sums.ratio(1, 0) - 2 / 3) < 1e-9);
  });

  it('keeps ratios exact across rescaling after many half-lives', () => {
    const sums = new DecayedSums(2, 1_000);
    for (let i = 0; i <= 100; i++) {
      const w = sums.weight(T0 + i * 1_000);
      sums.add(0, w);
      if (i % 4 === 0) sums.add(1, w);
    }
    assert.ok(Number.isFinite(sums.get(0)));
    assert.ok(sums.ratio(1, 0) > 0.5 && sums.ratio(1, 0) < 0.6, `${sums.ratio(1, 0)}`);
  });

  it('restores a snapshot taken before fields were appended, the new fields at 0; refuses one with more', () => {
    const old = new DecayedSums(2, 60_000);
    const w = old.weight(T0);
    old.add(0, w);
    old.add(1, w * 0.5);
    const restored = DecayedSums.restore(4, 60_000, old.snapshot());
    assert.equal(restored.ratio(1, 0), 0.5);
    assert.equal(restored.get(3), 0);
    assert.throws(() => DecayedSums.restore(1, 60_000, old.snapshot()), /holds 2 fields, expected at most 1/);
    const torn = { ...old.snapshot(), sums: Buffer.alloc(12).toString('base64') };
    assert.throws(() => DecayedSums.restore(4, 60_000, torn), /has 12 bytes, expected a multiple of 8/);
  });
});

describe('DecayedHistogram', () => {
  it('gives quantiles, CDF and MAD of a uniform distribution', () => {
    const h = new DecayedHistogram(0, 100, 100, 3_600_000);
    for (let i = 0; i < 10_000; i++) h.add((i % 100) + 0.5, T0);
    assert.ok(Math.abs(h.quantile(0.5) - 50) < 1);
    assert.ok(Math.abs(h.quantile(0.9) - 90) < 1);
    assert.ok(Math.abs(h.cdf(25) - 0.25) < 0.01);
    assert.ok(Math.abs(h.mad() - 25) < 1);
    assert.ok(Math.abs(h.effectiveCount() - 10_000) < 1);
  });

  it('forgets old samples at the half-life', () => {
    const h = new DecayedHistogram(0, 10, 10, 60_000);
    for (let i = 0; i < 100; i++) h.add(1.5, T0);
    for (let i = 0; i < 100; i++) h.add(8.5, T0 + 60 * 60_000);
    assert.ok(h.quantile(0.5) > 8);
  });
});

describe('EwmaCusum', () => {
  it('tracks a steady level, then the CUSUM grows on a sustained shift', () => {
    const stats = new EwmaCusum(1, 0.05, Float64Array.of(0.1));
    for (let i = 0; i < 200; i++) stats.update([10 + (i % 2 ? 0.1 : -0.1)], T0 + i);
    assert.ok(Math.abs(stats.mean(0) - 10) < 0.05);
    assert.ok(stats.cusum(0) < 1);
    for (let i = 0; i < 10; i++) stats.update([11], T0 + 200 + i);
    assert.ok(stats.cusum(0) > 10, `cusum ${stats.cusum(0)}`);
    assert.ok(stats.mean(0) < 10.6, 'clipped updates keep the shift from becoming normal at once');
  });
});

describe('SimhashRing', () => {
  it('reports the smallest distance to the stored fingerprints and evicts the oldest', () => {
    const ring = new SimhashRing(2);
    assert.equal(ring.minDistance({ hi: 0, lo: 0 }), 64);
    ring.push({ hi: 0, lo: 0b111 });
    ring.push({ hi: 0xffffffff, lo: 0 });
    assert.equal(ring.minDistance({ hi: 0, lo: 0b1 }), 2);
    ring.push({ hi: 0xffffffff, lo: 1 });
    assert.equal(ring.minDistance({ hi: 0, lo: 0b1 }), 32);
  });
});

describe('sketches sharing one array (a key keeps all of its sketches in one buffer)', () => {
  /** Runs `feed` on a standalone sketch and on one at offset 5 of a larger array; both must read and snapshot alike. */
  it('read, snapshot and restore as standalone ones, and never write outside their run', () => {
    const floats = new Float32Array(5 + 60 * 2 + 16 + 7).fill(0);
    const shared = new BucketRing(60_000, 60, 2, floats, 5);
    const alone = new BucketRing(60_000, 60, 2);
    const sharedHist = new DecayedHistogram(0, 16, 16, 3_600_000, floats, 5 + 120);
    const aloneHist = new DecayedHistogram(0, 16, 16, 3_600_000);
    const doubles = new Float64Array(3 + 4 + 3 * 2 + 2);
    const sharedSums = new DecayedSums(4, 60_000, doubles, 3);
    const aloneSums = new DecayedSums(4, 60_000);
    const sharedStats = new EwmaCusum(2, 0.1, Float64Array.of(0.1, 0.1), doubles, 7);
    const aloneStats = new EwmaCusum(2, 0.1, Float64Array.of(0.1, 0.1));
    const registers = new Uint8Array(3 + 2 * 16 + 4);
    const sharedDistinct = new RotatingDistinct(4, 3_600_000, registers, 3);
    const aloneDistinct = new RotatingDistinct(4, 3_600_000);
    for (let i = 0; i < 500; i++) {
      const ts = T0 + i * 37_000;
      for (const ring of [shared, alone]) ring.add(ts, i % 2, i);
      for (const h of [sharedHist, aloneHist]) h.add(i % 17, ts);
      for (const s of [sharedSums, aloneSums]) s.add(i % 4, s.weight(ts) * i);
      for (const e of [sharedStats, aloneStats]) e.update([i % 5, i % 3], ts);
      for (const d of [sharedDistinct, aloneDistinct]) d.add(hashString(`v${i % 40}`), ts);
    }
    assert.deepEqual(shared.snapshot(), alone.snapshot());
    assert.equal(shared.sum(1, 30), alone.sum(1, 30));
    assert.deepEqual(sharedHist.snapshot(), aloneHist.snapshot());
    assert.equal(sharedHist.quantile(0.9), aloneHist.quantile(0.9));
    assert.deepEqual(sharedSums.snapshot(), aloneSums.snapshot());
    assert.deepEqual(sharedStats.snapshot(), aloneStats.snapshot());
    assert.deepEqual(sharedDistinct.snapshot(), aloneDistinct.snapshot());
    assert.equal(sharedDistinct.distinct(), aloneDistinct.distinct());
    assert.deepEqual([...floats.subarray(0, 5), ...floats.subarray(5 + 120 + 16)], new Array(12).fill(0));
    assert.deepEqual([...doubles.subarray(0, 3), ...doubles.subarray(13)], [0, 0, 0, 0, 0]);
    assert.deepEqual([...registers.subarray(0, 3), ...registers.subarray(35)], new Array(7).fill(0));

    const restored = new BucketRing(60_000, 60, 2, new Float32Array(200), 50);
    restored.load(alone.snapshot());
    assert.deepEqual(restored.snapshot(), alone.snapshot());
    assert.throws(() => new BucketRing(60_000, 60, 2, new Float32Array(120), 1), /storage too small/);
  });
});
