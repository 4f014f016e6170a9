import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { evaluateSystem } from '../../../services/eval/metrics/evaluate.ts';
import { recordAlert } from '../../../services/eval/run-dataset.ts';
import { SystemRecorder } from '../../../services/eval/system-recorder.ts';
import type { GroundTruth, KeyTruth } from '../../../services/simulator/index.ts';

const T0 = Date.parse('2026-03-05T00:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Benign keys of two randomised-family segments, active two days (one of them only half a day). */
function benign(id: string, segment: string, days = 2): KeyTruth {
  return {
    api_key_id: id,
    org_id: `org-${id}`,
    archetype: segment as KeyTruth['archetype'],
    label: 'benign',
    variant: 0,
    campaign_id: null,
    campaign_start: null,
    active_from: iso(T0),
    active_until: iso(T0 + days * DAY),
    rotated_from: null,
  };
}

const truth: GroundTruth = {
  version: 1,
  seed: 1,
  start: iso(T0),
  end: iso(T0 + 2 * DAY),
  prompt_mode: 'text',
  new_model: 'atlas-4',
  new_model_released_at: iso(T0 + DAY),
  keys: [
    benign('s1', 'synthetic_data'),
    benign('s2', 'synthetic_data'),
    benign('t1', 'tutoring_app'),
    benign('t2', 'tutoring_app', 0.5),
  ],
  campaigns: [],
};

function alert(keys: string[], atMs: number, severity: Alert['severity'], kind: Alert['kind'] = 'key'): Alert {
  return { kind, severity, score: 0.9, api_key_ids: keys, raised_at: iso(atMs) } as Alert;
}

describe('per-segment false positives', () => {
  const rec = new SystemRecorder('detector', 'test', truth, false);
  recordAlert(rec, alert(['s1'], T0 + 1000, 'medium'));
  recordAlert(rec, alert(['s1'], T0 + 2000, 'high')); // same key-day: counted once
  recordAlert(rec, alert(['s1'], T0 + DAY + 5, 'critical')); // second day of s1
  recordAlert(rec, alert(['t1', 't2'], T0 + 3000, 'medium', 'cluster'));
  recordAlert(rec, alert(['s2'], T0 + 4000, 'low')); // informational: never a false positive
  const activeKeys = new Set(truth.keys.map((k) => k.api_key_id));
  const m = evaluateSystem(rec, { truth, activeKeys, onsets: new Map(), earlyEvents: new Map() });

  it('counts distinct flagged key-days over each segment’s active key-days', () => {
    assert.deepEqual(
      [m.benign.synthetic_data!.fp_keys, m.benign.synthetic_data!.fp_key_days, m.benign.synthetic_data!.key_days],
      [1, 2, 4],
    );
    assert.equal(m.benign.synthetic_data!.fp_per_1000_key_days, 500);
    assert.deepEqual([m.benign.tutoring_app!.fp_key_days, m.benign.tutoring_app!.key_days], [2, 2.5]);
    assert.equal(m.overall.fp_key_days, 4);
    assert.equal(m.overall.benign_key_days, 6.5);
  });

  it('gives every segment an upper bound above its rate', () => {
    for (const b of Object.values(m.benign)) assert.ok(b.fp_per_1000_upper95 > b.fp_per_1000_key_days);
  });

  it('keeps low alerts informational and counts alerts per day', () => {
    assert.equal(rec.flags.has('s2'), false);
    assert.equal(m.overall.informational_alerts, 1);
    assert.equal(m.overall.alerts, 4);
    assert.equal(m.overall.alerts_per_day, 2);
  });
});
