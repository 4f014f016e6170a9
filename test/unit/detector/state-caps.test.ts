import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectorEnv } from '../../../services/common/config/detector.ts';
import { LruMap } from '../../../services/common/lru-map.ts';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import type { CappedStore } from '../../../services/detector/state/state-caps.ts';
import { event, MINUTE, T0 } from '../../fixtures/detector/events.ts';

const CAPS = {
  DG_DETECTOR_MAX_ACTIVE_KEYS: '100',
  DG_DETECTOR_MAX_COMPACTED_KEYS: '200',
  DG_DETECTOR_MAX_ORGS: '50',
  DG_DETECTOR_MAX_COHORTS: '20',
};

describe('detector state caps', () => {
  it('a flood of new keys, orgs and models stays under every cap; a steady key keeps its state', () => {
    const rounds: Array<{ store: CappedStore; evicted: number; cap: number }> = [];
    const pipeline = createDetectorPipeline({
      config: detectorEnv.parse(CAPS),
      onCapEviction: (store, evicted, cap) => rounds.push({ store, evicted, cap }),
    });
    for (let i = 0; i < 5_000; i += 1) {
      const ts = T0 + i * 100;
      // A new key, org and model per event, each minute boundary crossed so cohorts are scored.
      pipeline.process(event({ api_key_id: `flood-${i}`, org_id: `org-${i}`, model: `model-${i}`, ts }));
      if (i % 10 === 0) pipeline.process(event({ api_key_id: 'steady', org_id: 'org-steady', ts }));
      if (i % 600 === 0) pipeline.process(event({ api_key_id: `flood-${i}`, ts: ts + MINUTE }));
    }
    const stats = pipeline.stats();
    assert.ok(stats.keys <= 100, `${stats.keys} active keys`);
    assert.ok(stats.compactedKeys <= 200, `${stats.compactedKeys} compacted keys`);
    assert.ok(stats.orgs <= 50, `${stats.orgs} orgs`);
    assert.ok(stats.cohorts <= 20, `${stats.cohorts} cohorts`);
    assert.ok(stats.capEvictions.activeKeys > 4_000);
    assert.ok(stats.capEvictions.compactedKeys > 4_000);
    assert.ok(stats.capEvictions.orgs > 4_000);
    const reported = (store: CappedStore) => rounds.filter((r) => r.store === store).reduce((n, r) => n + r.evicted, 0);
    assert.equal(reported('active_keys'), stats.capEvictions.activeKeys);
    assert.equal(reported('compacted_keys'), stats.capEvictions.compactedKeys);
    assert.equal(reported('orgs'), stats.capEvictions.orgs);
    assert.equal(reported('cohorts'), stats.capEvictions.cohorts);
    const small = rounds.find((r) => r.evicted < r.cap / 10);
    assert.equal(small, undefined, 'an eviction round shed less than 10% of its cap');
    assert.ok(pipeline.snapshotKey('steady'), 'the steadily active key lost its full state');
  });

  it('the caps hold after a checkpoint restore', () => {
    const config = detectorEnv.parse(CAPS);
    const first = createDetectorPipeline({ config });
    for (let i = 0; i < 300; i += 1) first.process(event({ api_key_id: `k-${i}`, ts: T0 + i }));
    const restored = createDetectorPipeline({ config });
    for (const page of first.snapshotPages(4096)) restored.loadPage(page);
    for (let i = 300; i < 600; i += 1) restored.process(event({ api_key_id: `k-${i}`, ts: T0 + i }));
    assert.ok(restored.stats().keys <= 100);
    assert.ok(restored.snapshotKey('k-599'));
  });
});

describe('LruMap', () => {
  it('evicts the least recently used entries, a share of the capacity at a time', () => {
    const rounds: number[] = [];
    const map = new LruMap<string, number>(10, { evictFraction: 0.3, onEvict: (n) => rounds.push(n) });
    for (let i = 0; i < 10; i += 1) map.set(`k${i}`, i);
    assert.equal(map.get('k0'), 0);
    map.set('k10', 10);
    assert.deepEqual(rounds, [4]);
    assert.deepEqual([...map.keys()], ['k5', 'k6', 'k7', 'k8', 'k9', 'k0', 'k10']);
    assert.equal(map.evictions, 4);
    assert.equal(map.peek('k5'), 5);
    map.set('k11', 11);
    assert.equal(map.size, 8);
  });
});
