import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { hammingDistance } from '../../../services/common/text/fingerprint.ts';
import {
  createCoordinationEngine,
  KeyProfile,
  keySignatureSchema,
  SIGNATURE_LIMITS,
  stage2Options,
} from '../../../services/coordination/index.ts';
import { networkPrefix } from '../../../services/coordination/ip-prefix.ts';
import { SpaceSaving } from '../../../services/coordination/space-saving.ts';
import { DAY0, NO_TOKENS, nearDuplicate, randomFingerprint, rng } from './fixtures.ts';

function event(i: number, extra: Partial<UsageEvent> = {}): UsageEvent {
  return {
    event_id: `e${i}`,
    ts: DAY0 + i * 1000,
    api_key_id: 'k',
    org_id: 'o',
    model: 'm',
    input_tokens: 1,
    output_tokens: 2,
    ...extra,
  };
}

test('a key with thousands of distinct prompts, networks and system prompts keeps a bounded signature', () => {
  const random = rng(1);
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 5000; i++) {
    const extra = {
      client_asn: i,
      client_ip: `${i % 200}.${(i >> 3) % 250}.${i % 250}.7`,
      system_prompt_sha256: (i % 16).toString(16).repeat(64),
    };
    profile.observe(event(i, extra), randomFingerprint(random), NO_TOKENS, 1_000);
  }
  const signature = keySignatureSchema.parse(profile.toSignature());
  assert.equal(signature.events, 5000);
  assert.equal(signature.templates.length, SIGNATURE_LIMITS.templates);
  assert.equal(signature.prefixes.length, SIGNATURE_LIMITS.prefixes);
  assert.equal(signature.sample_event_ids.length, SIGNATURE_LIMITS.sampleEventIds);
  assert.ok(JSON.stringify(signature).length < 2048, `${JSON.stringify(signature).length} bytes`);
});

test('a signature restores the exact profile, which then evolves identically', () => {
  const random = rng(2);
  const base = randomFingerprint(random);
  const original = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 300; i++) {
    const fp = i % 3 ? nearDuplicate(base, 3, random) : randomFingerprint(random);
    original.observe(event(i, { client_asn: 7 + (i % 5), client_ip: '10.1.2.3' }), fp, NO_TOKENS, 1_000);
  }
  const restored = KeyProfile.fromSignature(JSON.parse(JSON.stringify(original.toSignature())));
  assert.deepEqual(restored.toSignature(), original.toSignature());
  for (const p of [original, restored])
    p.observe(event(301, { client_asn: 99 }), nearDuplicate(base, 2, rng(9)), NO_TOKENS, 1_000);
  assert.deepEqual(restored.toSignature(), original.toSignature());
});

test('counts the text prompts stage 1 read as harvesting instructions; older signatures restore with none', () => {
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 10; i++) {
    const tokens = { ...NO_TOKENS, harvestInstruction: i < 4 };
    profile.observe(event(i, { prompt_text: `question ${i}` }), null, tokens, 1_000);
  }
  profile.observe(event(10), null, { ...NO_TOKENS, harvestInstruction: true }, 1_000); // no text: not counted
  const signature = profile.toSignature();
  assert.deepEqual([signature.text_prompts, signature.harvest_instructions], [10, 4]);
  const { harvest_instructions: _, ...older } = signature;
  assert.equal(KeyProfile.fromSignature(keySignatureSchema.parse(older)).harvestInstructions, 0);
});

test('the template centroid converges on the shared wording of near-duplicate prompts', () => {
  const random = rng(3);
  const base = randomFingerprint(random);
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 60; i++) profile.observe(event(i), nearDuplicate(base, 4, random), NO_TOKENS, 1_000);
  assert.equal(profile.templates.length, 1);
  assert.equal(profile.templates[0]!.count, 60);
  assert.equal(hammingDistance(profile.templates[0]!.centroid, base), 0);
});

test("stage 2 counts long outputs from stage 1's configured length (DG_DETECTOR_LONG_OUTPUT_TOKENS), one value for both", () => {
  const config = loadConfig({ DG_DETECTOR_LONG_OUTPUT_TOKENS: '500' });
  const options = stage2Options(config);
  assert.equal(options.longOutputTokens, 500);
  assert.equal(stage2Options(loadConfig({})).longOutputTokens, loadConfig({}).detector.longOutputTokens);
  const engine = createCoordinationEngine(options);
  for (const [i, output] of [499, 500, 2_000].entries())
    engine.observe(event(i, { output_tokens: output }), null, NO_TOKENS);
  const [key] = engine.snapshot().keys;
  assert.equal(key?.signature.long_outputs, 2);
});

test('Space-Saving reports a heavy value with a guaranteed count and drops churn', () => {
  const counter = new SpaceSaving(3);
  for (let i = 0; i < 200; i++) {
    counter.add('heavy');
    counter.add(`rare-${i}`);
  }
  assert.deepEqual(
    counter.frequent(100).map((e) => e.value),
    ['heavy'],
  );
});

test('client addresses map to their /24 or /48 network', () => {
  assert.equal(networkPrefix('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkPrefix('::ffff:198.51.100.9'), '198.51.100.0/24');
  assert.equal(networkPrefix('2001:db8:aa:bb::1'), '2001:db8:aa::/48');
  assert.equal(networkPrefix('2001:db8::1'), '2001:db8:0::/48');
});
