import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FEATURE_COUNT } from '../../../services/detector/features/feature-names.ts';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import { INSTRUCTED_FIELDS, SUM_FIELDS } from '../../../services/detector/state/key-state.ts';
import { stateOf, v1Document } from '../../fixtures/detector/checkpoint-v1.ts';
import { event, HOUR, T0 } from '../../fixtures/detector/events.ts';

/**
 * A full snapshot (v1) written by the detector before keys kept their sketches in one buffer and idle keys lived in
 * an arena (commit d9310d0; two active keys, one compacted key with a learnt baseline, two cohorts, two orgs): the
 * JSON bytes the since removed `pipeline.snapshot()` returned (`.bin` so the formatter leaves them as written). The
 * detector no longer writes this format, but checkpoints stored in it must keep restoring.
 */
const OLD = readFileSync(new URL('../../fixtures/detector/snapshot-v1-d9310d0.bin', import.meta.url));

/** A cohort histogram that never saw a sample, as a snapshot holds it. */
function isEmptyHistogram(h: { landmark: number; lastTs: number; weights: string }): boolean {
  return h.landmark === -1 && h.lastTs === -1 && Buffer.from(h.weights, 'base64').every((byte) => byte === 0);
}

/** The sub-stream of classifier-flagged prompts as a key restored without one writes it (zero doubles). */
const EMPTY_INSTRUCTED = { landmark: -1, sums: Buffer.alloc(8 * INSTRUCTED_FIELDS).toString('base64') };

/**
 * The fixture as the current layout writes it: what was appended since loads empty, so each active key's decayed sums
 * gain zero doubles (`HARVEST_SUM`), each key an empty sub-stream of flagged prompts (`instructed`, right after an
 * active key's sums, last in a compacted key) and each cohort an empty histogram per appended feature; nothing else
 * changes.
 */
function withAppendedFields(old: Buffer, written: string): string {
  const doc = JSON.parse(old.toString('utf8'));
  const now = JSON.parse(written);
  doc.keys = doc.keys.map((key: Record<string, unknown> & { sums: { sums: string } }) => {
    const stored = Buffer.from(key.sums.sums, 'base64');
    key.sums.sums = Buffer.concat([stored, Buffer.alloc(8 * SUM_FIELDS - stored.length)]).toString('base64');
    const entries = Object.entries(key);
    const at = entries.findIndex(([name]) => name === 'sums') + 1;
    return Object.fromEntries([...entries.slice(0, at), ['instructed', EMPTY_INSTRUCTED], ...entries.slice(at)]);
  });
  doc.compacted = doc.compacted.map((key: Record<string, unknown>) => ({ ...key, instructed: EMPTY_INSTRUCTED }));
  for (const [cohort, histograms] of Object.entries<unknown[]>(doc.population)) {
    const appended = now.population[cohort].slice(histograms.length);
    assert.equal(histograms.length + appended.length, FEATURE_COUNT);
    assert.ok(appended.every(isEmptyHistogram), `${cohort}: appended features restore empty`);
    histograms.push(...appended);
  }
  return JSON.stringify(doc);
}

/** A new pipeline that loaded `document` as the checkpoint store hands it over: a checkpoint of one page. */
function loaded(document: Buffer) {
  const pipeline = createDetectorPipeline();
  assert.equal(pipeline.loadPage(document), true);
  return pipeline;
}

describe('checkpoints written by earlier versions of the detector state', () => {
  it('restore into the current layout and hold the same state (its pages rebuild the same bytes), appended fields empty', () => {
    assert.equal(JSON.stringify(JSON.parse(OLD.toString('utf8'))), OLD.toString('utf8'), 'the fixture is plain JSON');
    const pipeline = loaded(OLD);
    assert.equal(pipeline.stats().compactedKeys, 1);
    assert.equal(pipeline.stats().keys, 2);
    const written = stateOf(pipeline);
    assert.equal(written, withAppendedFields(OLD, written));
  });

  it('take a version 1 delta over them, as the stream stored it before pages (one document, one page)', () => {
    const live = loaded(OLD);
    const saved = JSON.parse(OLD.toString('utf8')).compacted[0];
    live.process(event({ api_key_id: saved.apiKeyId, org_id: saved.orgId, ts: T0 + 6 * HOUR + 1 }));
    live.process(event({ api_key_id: 'new-key', org_id: 'new-org', ts: T0 + 6 * HOUR + 2 }));
    const delta = v1Document(live.deltaPages()!);
    const parsed = JSON.parse(delta.toString('utf8'));
    assert.deepEqual([parsed.v, parsed.delta, parsed.compacted.removed], [1, true, [saved.apiKeyId]]);
    const restored = loaded(OLD);
    assert.equal(restored.loadPage(delta), true);
    assert.equal(stateOf(restored), stateOf(live));
  });

  it('revive their compacted keys with identity and baseline', () => {
    const saved = JSON.parse(OLD.toString('utf8')).compacted[0];
    assert.ok(saved.baseline.samples > 0, 'the fixture holds a learnt baseline');
    const pipeline = loaded(OLD);
    pipeline.process(event({ api_key_id: saved.apiKeyId, org_id: saved.orgId, ts: T0 + 6 * HOUR + 1 }));
    const revived = pipeline.snapshotKey(saved.apiKeyId);
    assert.ok(revived);
    assert.equal(revived.firstSeen, saved.firstSeen);
    assert.equal(revived.baseline.since, saved.baseline.since);
    assert.ok(revived.baseline.samples >= saved.baseline.samples);
    assert.equal(pipeline.stats().compactedKeys, 0);
  });
});
