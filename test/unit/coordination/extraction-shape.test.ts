import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractionTerms, populationVolume } from '../../../services/coordination/extraction-shape.ts';
import { KeyProfile } from '../../../services/coordination/key-profile.ts';

const HOUR = 3_600_000;

/** A member with 100 requests over 10 hours, `inputTokens`/`outputTokens` per request, all outputs long, all recent. */
function member(i: number, inputTokens: number, outputTokens: number): KeyProfile {
  const p = new KeyProfile(`k${i}`, `org${i}`, 0);
  p.lastSeen = 10 * HOUR;
  for (const totals of [p.lifetime, p.recent]) {
    totals.events = 100;
    totals.inputTokens = 100 * inputTokens;
    totals.outputTokens = 100 * outputTokens;
    totals.longOutputs = 100;
  }
  return p;
}

function harvestOf(members: KeyProfile[]): number {
  const term = extractionTerms(members, populationVolume(members), 0).find((t) => t.feature === 'output_harvest');
  assert.ok(term);
  return term.value;
}

test('long outputs written from briefs as long as them (document pipelines) are no harvest', () => {
  const pipelines = Array.from({ length: 14 }, (_, i) => member(i, 1_500, 1_800));
  assert.ok(harvestOf(pipelines) < 0.25, `harvest ${harvestOf(pipelines)}`);
});

test('long outputs count in full once outputs are twice the input', () => {
  assert.equal(harvestOf(Array.from({ length: 5 }, (_, i) => member(i, 400, 800))), 1);
  assert.equal(harvestOf(Array.from({ length: 5 }, (_, i) => member(i, 200, 2_000))), 1);
});

test("an aged member's earlier ordinary traffic does not dilute what the network harvests now", () => {
  const members = Array.from({ length: 5 }, (_, i) => member(i, 400, 800));
  // ten times as many earlier requests with short answers: lifetime totals, halved out of the recent ones
  for (const m of members) {
    m.lifetime.events += 1_000;
    m.lifetime.inputTokens += 1_000 * 500;
    m.lifetime.outputTokens += 1_000 * 100;
  }
  assert.equal(harvestOf(members), 1);
});

test('between equal and twice the input, long outputs count in proportion', () => {
  const h = harvestOf(Array.from({ length: 5 }, (_, i) => member(i, 1_000, 1_500)));
  assert.ok(Math.abs(h - 0.5) < 1e-9, `harvest ${h}`);
});

test("harvesting instructions stage 1 read add to the shape; without any, the members' shape is unchanged", () => {
  const members = Array.from({ length: 6 }, (_, i) => member(i, 1_000, 1_500));
  for (const m of members) m.lifetime.textPrompts = m.recent.textPrompts = 100;
  const total = (ms: KeyProfile[]) =>
    extractionTerms(ms, populationVolume(ms), 0).reduce((sum, t) => sum + t.weighted, 0);
  const without = total(members);
  const term = extractionTerms(members, populationVolume(members), 0).find((t) => t.feature === 'harvest_instructions');
  assert.equal(term?.weighted, 0);
  // two members of six asking for the trace are not the network's habit: the median member's share counts
  for (const m of members.slice(0, 2)) m.lifetime.harvestInstructions = m.recent.harvestInstructions = 100;
  assert.ok(Math.abs(total(members) - without) < 1e-9, `${total(members)} vs ${without}`);
  for (const m of members.slice(0, 4)) m.lifetime.harvestInstructions = m.recent.harvestInstructions = 50; // half of them
  const asked = extractionTerms(members, populationVolume(members), 0).find(
    (t) => t.feature === 'harvest_instructions',
  );
  assert.ok(Math.abs((asked?.weighted ?? 0) - 0.1) < 1e-9, `instructions weigh ${asked?.weighted}`);
  // and they corroborate the division-of-labour signs, which add on top
  assert.ok(total(members) > without + 0.1, `${total(members)} vs ${without}`);
});

test('one or two heavy harvesters linked with ordinary customers do not make the cluster harvest', () => {
  const customers = Array.from({ length: 4 }, (_, i) => member(i, 1_000, 800));
  const harvesters = [member(10, 200, 3_000), member(11, 200, 3_000)];
  for (const h of harvesters) {
    h.recent.inputTokens *= 50; // fifty times the customers' volume: the sums alone would read as harvest
    h.recent.outputTokens *= 50;
    h.recent.events *= 50;
    h.recent.longOutputs *= 50;
  }
  assert.equal(harvestOf([...customers, ...harvesters]), 0);
  assert.equal(harvestOf([...harvesters, member(12, 200, 3_000)]), 1);
});

test('a large aggregate of ordinary keys counts only as far as a start, instructions or a plain harvest corroborate it', () => {
  const weightOf = (ms: KeyProfile[], feature: string) =>
    extractionTerms(ms, populationVolume(ms), 0).find((t) => t.feature === feature)?.weighted ?? Number.NaN;
  const full = Array.from({ length: 20 }, (_, i) => member(i, 200, 2_000)); // harvest 1
  const moderate = Array.from({ length: 20 }, (_, i) => member(i, 1_000, 1_500)); // harvest 0.5
  for (const ms of [full, moderate]) for (const m of ms) m.lifetime.textPrompts = m.recent.textPrompts = 100;
  assert.equal(weightOf(full, 'output_harvest'), 0.35);
  const fullOrdinary = weightOf(full, 'low_per_key_volume');
  assert.ok(fullOrdinary > 0, `ordinary ${fullOrdinary}`);
  // the same shape with half the harvest: a quarter of the weight (harvest squared)
  assert.ok(Math.abs(weightOf(moderate, 'low_per_key_volume') - fullOrdinary / 4) < 1e-9);
  // a third of the members asking for reasoning traces restores the full weight
  for (const m of moderate) m.recent.harvestInstructions = 34;
  assert.ok(Math.abs(weightOf(moderate, 'low_per_key_volume') - fullOrdinary) < 1e-9);
});
