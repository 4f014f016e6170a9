import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveAlertThresholds } from '../../../services/detector/calibration/alert-thresholds.ts';
import { type CalibrationFile, writeCalibration } from '../../../services/detector/calibration/calibration-file.ts';
import {
  referenceFrom,
  thresholdForRate,
  thresholdsForBudget,
} from '../../../services/detector/calibration/fp-budget.ts';
import { ReferenceCollector } from '../../../services/detector/calibration/reference-collector.ts';
import { startThresholdRefresher } from '../../../services/detector/calibration/threshold-refresher.ts';

const DAY = 86_400_000;

/** 10,000 benign key-days: most never show evidence, 50 reach 0.62, 20 reach 0.81, 4 reach 0.93. */
function reference() {
  const values = [...Array(9_926).fill(0), ...Array(50).fill(0.62), ...Array(20).fill(0.81), ...Array(4).fill(0.93)];
  return referenceFrom(values, 100);
}

function file(version: string, values: number[]): CalibrationFile {
  const ref = referenceFrom(values, 100);
  const profile = { key_days: ref.keyDays, counts: [...ref.counts], segments: { chat: ref.keyDays } };
  return {
    format: 'distillguard-calibration/1',
    version,
    created: '2026-03-07T00:00:00.000Z',
    models: { autoencoder: 'autoencoder/2', classifier: 'classifier/2' },
    datasets: ['randomised/r1 seed 41'],
    profiles: { ml: profile, rules: profile },
  };
}

describe('false-positive budget', () => {
  it('puts the threshold where at most the budgeted share of benign key-days reach it', () => {
    const ref = reference();
    // 74 of 10,000 key-days reach 0.62: 7.4 per 1,000; 24 reach 0.81; 4 reach 0.93.
    assert.equal(thresholdForRate(ref, 10), 0.01, 'every key-day with any evidence fits a budget of 10');
    assert.equal(thresholdForRate(ref, 5), 0.63);
    assert.equal(thresholdForRate(ref, 2.4), 0.63);
    assert.equal(thresholdForRate(ref, 1), 0.82);
    assert.equal(thresholdForRate(ref, 0.1), 0.94);
  });

  it('spends a quarter of the budget on high and a sixteenth on critical, never below the fixed floors', () => {
    const t = thresholdsForBudget(reference(), 1);
    assert.deepEqual(t, { medium: 0.82, high: 0.94, critical: 0.94 });
    assert.deepEqual(thresholdsForBudget(referenceFrom(Array(1000).fill(0), 100), 1), {
      medium: 0.6,
      high: 0.75,
      critical: 0.9,
    });
    assert.deepEqual(thresholdsForBudget(null, 1), { medium: 0.6, high: 0.75, critical: 0.9 });
  });

  it('collects each benign key-day once at its highest evidence, ignoring attack keys', () => {
    const collector = new ReferenceCollector((id) => (id.startsWith('b') ? 'chat' : null));
    const snap = (id: string, ts: number, evidence: number) => ({
      api_key_id: id,
      org_id: 'o',
      model: 'm',
      ts,
      values: [],
      score: evidence,
      evidence,
    });
    collector.observe(snap('b1', 0, 0.2));
    collector.observe(snap('b1', 1000, 0.7));
    collector.observe(snap('b1', DAY + 5, 0.1));
    collector.observe(snap('a1', 0, 0.99));
    const profile = collector.profile(10);
    assert.equal(profile.key_days, 2);
    assert.equal(profile.counts[7], 1);
    assert.equal(profile.counts[1], 1);
    assert.deepEqual(profile.segments, { chat: 2 });
  });

  it('reads the newest calibration for the budget, and falls back to the floors with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-calibration-'));
    const missing = await resolveAlertThresholds({
      modelsDir: dir,
      calibrationVersion: 'latest',
      fpBudget: 1,
      ml: true,
    });
    assert.match(missing.warning ?? '', /not calibrated/);
    assert.deepEqual(missing.thresholds, { medium: 0.6, high: 0.75, critical: 0.9 });
    await writeCalibration(join(dir, 'calibration', '1'), file('1', [...Array(990).fill(0), ...Array(10).fill(0.7)]));
    const settings = { modelsDir: dir, calibrationVersion: 'latest', fpBudget: 1, ml: true };
    const first = await resolveAlertThresholds(settings);
    assert.equal(first.warning, undefined);
    assert.equal(first.thresholds.medium, 0.71);

    const changes: number[] = [];
    const refresher = startThresholdRefresher(settings, first.thresholds, 0, (t) => changes.push(t.medium));
    assert.equal(await refresher.refresh(), false, 'same calibration, nothing to change');
    await writeCalibration(join(dir, 'calibration', '2'), file('2', Array(1000).fill(0)));
    assert.equal(await refresher.refresh(), true);
    assert.equal(refresher.current().medium, 0.6);
    assert.deepEqual(changes, [0.6]);
    refresher.stop();
  });
});
