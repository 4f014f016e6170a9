import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import { event, HOUR, T0 } from '../../fixtures/detector/events.ts';

/**
 * A full snapshot (v1) written by the detector before keys kept their sketches in one buffer and idle keys lived in
 * an arena (commit d9310d0; two active keys, one compacted key with a learnt baseline, two cohorts, two orgs): the
 * JSON bytes `pipeline.snapshot()` returned (`.bin` so the formatter leaves them as written).
 */
const OLD = readFileSync(new URL('../../fixtures/detector/snapshot-v1-d9310d0.bin', import.meta.url));

describe('checkpoints written by earlier versions of the detector state', () => {
  it('restore into the current layout and snapshot back to the same bytes', () => {
    const pipeline = createDetectorPipeline({ state: OLD });
    assert.equal(pipeline.stats().compactedKeys, 1);
    assert.equal(pipeline.stats().keys, 2);
    assert.equal(pipeline.snapshot().toString('utf8'), OLD.toString('utf8'));
  });

  it('revive their compacted keys with identity and baseline', () => {
    const saved = JSON.parse(OLD.toString('utf8')).compacted[0];
    assert.ok(saved.baseline.samples > 0, 'the fixture holds a learnt baseline');
    const pipeline = createDetectorPipeline({ state: OLD });
    pipeline.process(event({ api_key_id: saved.apiKeyId, org_id: saved.orgId, ts: T0 + 6 * HOUR + 1 }));
    const revived = pipeline.snapshotKey(saved.apiKeyId);
    assert.ok(revived);
    assert.equal(revived.firstSeen, saved.firstSeen);
    assert.equal(revived.baseline.since, saved.baseline.since);
    assert.ok(revived.baseline.samples >= saved.baseline.samples);
    assert.equal(pipeline.stats().compactedKeys, 0);
  });
});
