import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateSystem } from '../../../services/eval/metrics/evaluate.ts';
import { averagePrecision, prCurve, quantile } from '../../../services/eval/metrics/precision-recall.ts';
import { runDataset } from '../../../services/eval/run-dataset.ts';
import { SystemRecorder } from '../../../services/eval/system-recorder.ts';
import type { Dataset } from '../../../services/simulator/dataset.ts';
import type { Archetype, GroundTruth, KeyTruth } from '../../../services/simulator/index.ts';

const T0 = Date.parse('2026-03-05T00:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function key(
  id: string,
  archetype: Archetype,
  campaignStartMin: number | null,
  campaign: string | null = null,
): KeyTruth {
  const attack = campaignStartMin !== null;
  return {
    api_key_id: id,
    org_id: `org-${id}`,
    archetype,
    label: attack ? 'attack' : 'benign',
    variant: 0,
    campaign_id: attack ? (campaign ?? `c-${id}`) : null,
    campaign_start: attack ? iso(T0 + campaignStartMin * MIN) : null,
    active_from: iso(T0),
    active_until: iso(T0 + 1440 * MIN),
    rotated_from: null,
  };
}

/** Two benign keys, two bulk-distillation keys (campaigns at +60 min), one hydra campaign of two members (+120). */
const truth: GroundTruth = {
  version: 1,
  seed: 1,
  start: iso(T0),
  end: iso(T0 + 1440 * MIN),
  prompt_mode: 'text',
  new_model: 'atlas-4',
  new_model_released_at: iso(T0 + 720 * MIN),
  keys: [
    key('b1', 'hobbyist', null),
    key('b2', 'document_pipeline', null),
    key('x1', 'bulk_distillation', 60),
    key('x2', 'bulk_distillation', 60),
    key('h1', 'hydra_network', 120, 'hydra-1'),
    key('h2', 'hydra_network', 120, 'hydra-1'),
  ],
  campaigns: [
    {
      campaign_id: 'hydra-1',
      archetype: 'hydra_network',
      variant: 0,
      start: iso(T0 + 120 * MIN),
      api_key_ids: ['h1', 'h2'],
      org_ids: ['org-h1', 'org-h2'],
    },
  ],
};
const active = new Set(truth.keys.map((k) => k.api_key_id));

describe('precision-recall', () => {
  it('computes average precision on a known ranking', () => {
    const items = [
      { score: 0.9, positive: true },
      { score: 0.8, positive: false },
      { score: 0.7, positive: true },
      { score: 0.1, positive: false },
    ];
    // thresholds 0.9 (P 1, R .5), 0.8 (P .5, R .5), 0.7 (P 2/3, R 1), 0.1 (P .5, R 1)
    assert.equal(prCurve(items).length, 4);
    assert.ok(Math.abs(averagePrecision(items)! - (0.5 + 0.5 * (2 / 3))) < 1e-12);
  });

  it('moves tied scores together and is null without positives', () => {
    assert.equal(
      averagePrecision([
        { score: 0.5, positive: true },
        { score: 0.5, positive: false },
      ]),
      0.5,
    );
    assert.equal(averagePrecision([{ score: 0.5, positive: false }]), null);
  });

  it('takes nearest-rank quantiles', () => {
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2);
    assert.equal(quantile([4, 1, 3, 2], 0.9), 4);
    assert.equal(quantile([], 0.5), null);
  });
});

describe('evaluateSystem', () => {
  const rec = new SystemRecorder('test', 'hand-made', truth);
  rec.flag('x1', T0 + 30 * MIN, 0.99); // before its campaign: ignored
  rec.flag('x1', T0 + 70 * MIN, 0.9); // detected 10 minutes after the campaign start
  rec.score('x2', T0 + 90 * MIN, 0.4);
  rec.flag('b1', T0 + 100 * MIN, 0.8); // a false positive, flagged twice on one day
  rec.flag('b1', T0 + 200 * MIN, 0.7);
  rec.score('b2', T0 + 10 * MIN, 0.3);
  rec.clusterFlag(['h1'], T0 + 150 * MIN, 0.95);
  // x1 sent 12 requests in its campaign's first 15 minutes, x2 three: only x1 gave a detector enough to go on by then
  const earlyEvents = new Map([
    ['x1', 12],
    ['x2', 3],
  ]);
  const onsets = new Map([
    ['x1', T0 + 60 * MIN],
    ['x2', T0 + 61 * MIN],
    ['h1', T0 + 120 * MIN],
  ]);
  const m = evaluateSystem(rec, { truth, activeKeys: active, onsets, earlyEvents });

  it('counts recall, 15-minute recall, precision and time to detect per archetype', () => {
    const bulk = m.attacks.bulk_distillation!;
    assert.deepEqual(
      [bulk.keys, bulk.detected, bulk.detected_15m, bulk.recall, bulk.recall_15m, bulk.precision],
      [2, 1, 1, 0.5, 0.5, 0.5],
    );
    assert.equal(bulk.ttd_p50_min, 10);
    assert.deepEqual([bulk.keys_busy_15m, bulk.detected_15m_of_busy], [1, 1]);
    assert.deepEqual(bulk.by_variant, { '0': { keys: 2, detected: 1, detected_15m: 1 } });
    assert.equal(m.attacks.hydra_network!.ttd_p50_min, 30);
    assert.equal(m.attacks.hydra_network!.recall_15m, 0);
  });

  it("counts time to detect from each key's onset, and the 15-minute recall from the campaign start beside it", () => {
    const late = new SystemRecorder('late', 'hand-made', truth);
    late.flag('x1', T0 + 70 * MIN, 0.9); // 10 minutes after its onset, the campaign start
    late.flag('x2', T0 + 110 * MIN, 0.9); // x2 joined its campaign 40 minutes late: 10 minutes after its onset
    const joinedLate = new Map([...onsets, ['x2', T0 + 100 * MIN]]);
    const bulk = evaluateSystem(late, { truth, activeKeys: active, onsets: joinedLate, earlyEvents }).attacks
      .bulk_distillation!;
    assert.deepEqual(bulk.ttd_minutes, [10, 10]);
    assert.deepEqual([bulk.recall_15m, bulk.recall_15m_of_campaign_start], [1, 0.5]);
  });

  it('ranks keys by their max score for PR-AUC', () => {
    // bulk vs benign by score: x1 .9 (P), b1 .8 (N), x2 .4 (P), b2 .3 (N) → AP = .5 + .5 · 2/3
    assert.ok(Math.abs(m.attacks.bulk_distillation!.pr_auc! - (0.5 + (0.5 * 2) / 3)) < 1e-12);
  });

  it('counts false-positive key-days per 1,000 benign key-days', () => {
    assert.equal(m.benign.hobbyist!.fp_key_days, 1);
    assert.equal(m.benign.hobbyist!.fp_per_1000_key_days, 1000);
    assert.equal(m.benign.document_pipeline!.fp_keys, 0);
    assert.equal(m.overall.fp_per_1000_key_days, 500);
    // one flagged key-day of two: the exact Poisson upper bound on 1 event is 5.5716 per 2 key-days
    assert.ok(Math.abs(m.overall.fp_per_1000_upper95 - (1000 * 5.5716) / 2) < 1);
  });

  it('measures the share of hydra members inside cluster alerts', () => {
    assert.deepEqual(m.hydra, [
      {
        campaign_id: 'hydra-1',
        members: 2,
        members_in_cluster: 1,
        members_in_cluster_120m: 1,
        share_in_cluster: 0.5,
        members_flagged: 1,
        first_cluster_alert_min: 30,
      },
    ]);
  });

  it('reports overall precision and recall over all attack keys', () => {
    assert.equal(m.overall.recall, 0.5); // x1 and h1 of four attack keys
    assert.equal(m.overall.precision, 2 / 3);
    assert.equal(m.overall.flagged_keys, 3);
    assert.deepEqual(m.ttd_minutes, [10, 30]);
  });
});

describe('runDataset', () => {
  it("finds each attack key's onset and counts its requests in the 15 minutes from it, not before or after", async () => {
    // x1: 2 requests before its campaign (+60 min), its first of the campaign at +66, 12 within 15 minutes of that
    // (10 within 15 minutes of the campaign start), 5 after; b1 (benign): 20
    const minutes = [
      ...[30, 50].map((m) => ['x1', m] as const),
      ...Array.from({ length: 12 }, (_, i) => ['x1', 66 + i] as const),
      ...[82, 85, 90, 100, 120].map((m) => ['x1', m] as const),
      ...Array.from({ length: 20 }, (_, i) => ['b1', 60 + i] as const),
    ].sort((a, b) => a[1] - b[1]);
    const timedEvents = minutes.map(([id, m], i) => ({
      ts: T0 + m * MIN,
      event: {
        event_id: `e${i}`,
        ts: iso(T0 + m * MIN),
        api_key_id: id,
        org_id: `org-${id}`,
        model: 'atlas-3',
        endpoint: '/v1/messages',
        input_tokens: 10,
        output_tokens: 10,
      },
    }));
    const ds: Dataset = {
      name: 't',
      family: 'classic',
      variant: '0',
      seed: 1,
      hours: 24,
      promptMode: 'text',
      truth,
      timedEvents,
    };
    const run = await runDataset(ds, { detectors: [] });
    assert.deepEqual([...run.earlyEvents], [['x1', 12]]);
    assert.deepEqual([...run.onsets], [['x1', T0 + 66 * MIN]]);
    assert.equal(run.events, minutes.length);
  });
});
