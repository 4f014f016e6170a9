import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCoordinationEngine } from '../../../services/coordination/index.ts';
import { ipIn, keyTraffic, nearDuplicate, randomFingerprint, rng, runEngine, type TrafficEvent } from './fixtures.ts';
import { AWS, benignPopulation } from './scenarios.ts';

const SDK_SYSTEM_PROMPT = 'a'.repeat(64);

test('unrelated keys sharing only a big cloud ASN raise no alert', () => {
  const traffic = benignPopulation({ keys: 250, awsShare: 1 }, rng(1));
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
});

test('keys of many orgs using a popular SDK system prompt from the same cloud raise no alert', () => {
  const traffic = [
    ...benignPopulation({ keys: 300, awsShare: 0.7, systemPrompt: SDK_SYSTEM_PROMPT, idPrefix: 'sdk' }, rng(2)),
    ...benignPopulation({ keys: 100, awsShare: 0.7 }, rng(3)),
  ];
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
});

test('one consumer app key with thousands of end-user IPs raises no alert', () => {
  const random = rng(4);
  const asns = [7922, 7018, 701, 2856, 3320, AWS];
  const traffic = keyTraffic(
    {
      keyId: 'consumer-app',
      orgId: 'consumer-org',
      events: 3000,
      days: 2,
      hours: [0, 0],
      fingerprint: () => randomFingerprint(random),
      asn: () => asns[Math.floor(random() * asns.length)]!,
      ip: () =>
        ipIn(`${20 + Math.floor(random() * 200)}.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`, random),
    },
    random,
  );
  traffic.push(...benignPopulation({ keys: 100, awsShare: 0.5 }, rng(5)));
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
});

test('a popular prompt template used by unrelated keys at their own hours from many networks raises no alert', () => {
  const random = rng(6);
  const wrapper = randomFingerprint(random);
  const traffic: TrafficEvent[] = [];
  for (let k = 0; k < 200; k++) {
    const start = Math.floor(random() * 24);
    const asn = [7922, 7018, 701, 2856, 3320, 3215, 2516, 812][k % 8]!;
    const prefix = `${30 + (k % 150)}.${k % 200}.${Math.floor(random() * 250)}`;
    traffic.push(
      ...keyTraffic(
        {
          keyId: `wrapper-${k}`,
          orgId: `wrapper-org-${k}`,
          events: 10 + Math.floor(random() * 40),
          days: 2,
          hours: [start, (start + 6) % 24],
          fingerprint: () => nearDuplicate(wrapper, 3, random),
          asn: () => asn,
          ip: () => ipIn(prefix, random),
        },
        random,
      ),
    );
  }
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
});

test('one org running many keys from its own office network is not a cross-org hydra', () => {
  const random = rng(7);
  const template = randomFingerprint(random);
  const traffic: TrafficEvent[] = [];
  for (let k = 0; k < 40; k++) {
    traffic.push(
      ...keyTraffic(
        {
          keyId: `corp-${k}`,
          orgId: 'corp-org',
          events: 30,
          hours: [8, 17],
          fingerprint: () => (random() < 0.5 ? nearDuplicate(template, 3, random) : randomFingerprint(random)),
          asn: () => 3320,
          ip: () => ipIn('80.10.20', random),
        },
        random,
      ),
    );
  }
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
});
