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

test('one org running dozens of keys on shared templates and one system prompt is not a cross-org hydra', () => {
  const random = rng(7);
  const templates = [randomFingerprint(random), randomFingerprint(random)];
  const traffic: TrafficEvent[] = [...benignPopulation({ keys: 150, awsShare: 0.5 }, rng(8))];
  for (let k = 0; k < 40; k++) {
    const own = { asn: () => 3320, ip: () => ipIn('80.10.20', random), systemPrompt: 'c'.repeat(64) };
    const pick = () => nearDuplicate(templates[Math.floor(random() * 2)]!, 3, random);
    const t = { keyId: `corp-${k}`, orgId: 'corp-org', events: 30, hours: [8, 12] as [number, number] };
    traffic.push(...keyTraffic({ ...t, ...own, outputTokens: 1500, fingerprint: pick }, random));
  }
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
  const anyOrgs = runEngine(createCoordinationEngine({ minOrgs: 1 }), traffic);
  assert.ok(
    anyOrgs.some((a) => a.api_key_ids.length >= 36),
    'linked: only the org rule keeps it from alerting',
  );
});

test('orgs running one open-source pipeline share its templates: linked, scored below 0.6, not alerted', () => {
  const random = rng(9);
  const templates = [randomFingerprint(random), randomFingerprint(random)];
  const traffic: TrafficEvent[] = [...benignPopulation({ keys: 150, awsShare: 0.5 }, rng(10))];
  for (let k = 0; k < 20; k++) {
    const start = Math.floor(random() * 24);
    const own = { asn: () => AWS, ip: () => ipIn(`52.${k}.7`, random) };
    const pick = () => nearDuplicate(templates[Math.floor(random() * 2)]!, 3, random);
    const t = { keyId: `pipe-${k}`, orgId: `pipe-org-${k}`, events: 80, days: 2, hours: [start, (start + 10) % 24] };
    traffic.push(
      ...keyTraffic({ ...(t as typeof t & { hours: [number, number] }), ...own, fingerprint: pick }, random),
    );
  }
  assert.deepEqual(runEngine(createCoordinationEngine(), traffic), []);
  const scored = runEngine(createCoordinationEngine({ alertScore: 0, minExtraction: 0 }), traffic);
  const pipeline = scored.filter((a) => a.api_key_ids.some((k) => k.startsWith('pipe-')));
  assert.ok(pipeline.length > 0, 'the shared templates do link them');
  for (const a of pipeline) assert.ok(a.score < 0.6, `score ${a.score}`);
});
