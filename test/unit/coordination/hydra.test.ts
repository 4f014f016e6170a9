import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Alert, alertSchema } from '../../../schemas/alert-v1.ts';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { DAY0, ipIn, keyTraffic, rng, runEngine, type TrafficEvent } from './fixtures.ts';
import { AWS, benignPopulation, hydra } from './scenarios.ts';

const PROXY_ASN = 62240;
const HOUR = 3_600_000;

function reason(alert: Alert, feature: string) {
  const found = alert.reasons.find((r) => r.feature === feature);
  assert.ok(found, `reason ${feature} in ${alert.reasons.map((r) => r.feature).join(',')}`);
  return found;
}

/** Every alert after the first escalates the one before it: one cluster, reported as it grows. */
function assertOneChain(alerts: Alert[]): Alert {
  assert.ok(alerts.length >= 1);
  assert.equal(alerts[0]!.escalates, null);
  for (let i = 1; i < alerts.length; i++) assert.equal(alerts[i]!.escalates, alerts[i - 1]!.alert_id);
  return alerts[alerts.length - 1]!;
}

function hydraMembers(alert: Alert, prefix = 'hydra-'): number {
  return alert.api_key_ids.filter((k) => k.startsWith(prefix)).length;
}

test('200 low-volume keys over 40 orgs sharing templates and an ASN raise one critical cluster alert', () => {
  const traffic = [
    ...hydra({ keys: 200, orgs: 40, asn: PROXY_ASN, eventsPerKey: 12, hours: [1, 5], noise: 0.2 }, 7),
    ...benignPopulation({ keys: 150, awsShare: 0.5 }, rng(3)),
  ];
  const alerts = runEngine(createCoordinationEngine(), traffic);
  for (const a of alerts) alertSchema.parse(a);
  const last = assertOneChain(alerts);
  assert.ok(
    alerts.every((a) => hydraMembers(a) === a.api_key_ids.length),
    'no benign key in any alert',
  );
  assert.ok(hydraMembers(last) >= 170, `members ${hydraMembers(last)}`);
  assert.equal(last.kind, 'cluster');
  assert.equal(last.category, 'hydra_network');
  assert.equal(last.org_ids.length, 40);
  assert.ok(reason(last, 'shared_template_keys').value >= 170);
  assert.ok(reason(last, 'shared_second_template').value >= 170);
  assert.match(reason(last, 'shared_asn').detail ?? '', /AS62240/);
  assert.ok(reason(last, 'synchronised_start').value > 0.8);
  assert.ok(reason(last, 'cluster_cohesion').value > 0.9);
  assert.ok(last.score >= 0.9 && last.severity === 'critical', `score ${last.score}`);
  assert.ok(last.evidence_event_ids.length > 0 && last.evidence_event_ids.length <= 20);
  const sum = last.reasons.reduce((s, r) => s + r.contribution, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `contributions sum to ${sum}`);
});

test('a network hiding in a big cloud ASN is still linked by its templates; the ASN counts as weak', () => {
  const traffic = [
    ...hydra({ keys: 120, orgs: 30, asn: AWS, eventsPerKey: 12, hours: [2, 6] }, 11),
    ...benignPopulation({ keys: 150, awsShare: 0.9 }, rng(5)),
  ];
  const last = assertOneChain(runEngine(createCoordinationEngine(), traffic));
  assert.ok(hydraMembers(last) >= 108 && hydraMembers(last) === last.api_key_ids.length);
  const asn = reason(last, 'shared_asn');
  assert.ok((asn.baseline ?? 0) > 30, 'many unrelated keys share the cloud ASN');
  assert.ok(asn.contribution < reason(last, 'shared_template_keys').contribution);
});

test('a hydra across orgs with shared templates and varied residential networks is alerted within 120 minutes', () => {
  const start = DAY0 + 6 * HOUR;
  const traffic = [
    // 100 requests each over four hours: ~25 per hour per key, under any per-key limit.
    ...hydra({ keys: 60, orgs: 30, eventsPerKey: 100, hours: [6, 10] }, 13),
    ...benignPopulation({ keys: 200, awsShare: 0.5 }, rng(14)),
  ];
  const alerts = runEngine(createCoordinationEngine(), traffic);
  const early = alerts.filter((a) => Date.parse(a.raised_at) <= start + 2 * HOUR);
  assert.ok(early.length > 0, `first alert at ${alerts[0]?.raised_at}`);
  const covered = new Set(early.flatMap((a) => a.api_key_ids));
  assert.ok(covered.size >= 54, `${covered.size} of 60 members within 120 minutes`);
  assert.ok([...covered].every((k) => k.startsWith('hydra-')));
  const last = assertOneChain(alerts);
  assert.ok(last.score >= 0.9, `score ${last.score}`);
  assert.ok(reason(last, 'shared_asn').value < 20, 'no one network carries the members');
});

test('prompts sent as text from one template link their keys by template and vocabulary', () => {
  const random = rng(99);
  const topics = ['binary search', 'photosynthesis', 'tcp congestion', 'black-scholes', 'plate tectonics', 'krebs'];
  const prompt = () =>
    `You are an expert tutor. Think step by step and show all of your reasoning before giving a final answer. ` +
    `Question: explain how ${topics[Math.floor(random() * topics.length)]} works, with three worked examples.`;
  const traffic: TrafficEvent[] = [];
  for (let k = 0; k < 30; k++) {
    const t = { keyId: `cot-${k}`, orgId: `cot-org-${k}`, events: 10, hours: [3, 6] as [number, number] };
    const own = { asn: () => 9000 + k, ip: () => ipIn(`5.1.${k}`, random), outputTokens: 2000 };
    traffic.push(...keyTraffic({ ...t, ...own, fingerprint: () => null, prompt }, random));
  }
  traffic.push(...benignPopulation({ keys: 100, awsShare: 0.5 }, rng(4)));
  const last = assertOneChain(runEngine(createCoordinationEngine(), traffic));
  assert.ok(hydraMembers(last, 'cot-') >= 27 && hydraMembers(last, 'cot-') === last.api_key_ids.length);
  assert.ok(reason(last, 'shared_vocabulary').value >= 27);
});
