import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { coordinationOptionsSchema } from '../../../services/common/config/coordination-options.ts';
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
import { keyEvidence, significantSlots } from '../../../services/coordination/key-evidence.ts';
import { SpaceSaving } from '../../../services/coordination/space-saving.ts';
import { DAY0, NO_TOKENS, nearDuplicate, randomFingerprint, rng } from './fixtures.ts';

const HOUR = 3_600_000;
const OPTIONS = { longOutputTokens: 1_000, contentGenerationMs: HOUR };

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
    profile.observe(event(i, extra), randomFingerprint(random), NO_TOKENS, OPTIONS);
  }
  const signature = keySignatureSchema.parse(profile.toSignature());
  assert.equal(signature.events, 5000);
  assert.equal(signature.templates.length, SIGNATURE_LIMITS.templates);
  assert.equal(signature.prefixes.length, SIGNATURE_LIMITS.prefixes);
  assert.equal(signature.sample_event_ids.length, SIGNATURE_LIMITS.sampleEventIds);
  assert.ok(JSON.stringify(signature).length < 2400, `${JSON.stringify(signature).length} bytes`);
});

test('a signature restores the exact profile, which then evolves identically', () => {
  const random = rng(2);
  const base = randomFingerprint(random);
  const original = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 300; i++) {
    const fp = i % 3 ? nearDuplicate(base, 3, random) : randomFingerprint(random);
    original.observe(event(i, { client_asn: 7 + (i % 5), client_ip: '10.1.2.3' }), fp, NO_TOKENS, OPTIONS);
  }
  const restored = KeyProfile.fromSignature(JSON.parse(JSON.stringify(original.toSignature())));
  assert.deepEqual(restored.toSignature(), original.toSignature());
  for (const p of [original, restored])
    p.observe(event(301, { client_asn: 99 }), nearDuplicate(base, 2, rng(9)), NO_TOKENS, OPTIONS);
  assert.deepEqual(restored.toSignature(), original.toSignature());
});

test('counts the text prompts stage 1 read as harvesting instructions; older signatures restore with none', () => {
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 10; i++) {
    const tokens = { ...NO_TOKENS, harvestInstruction: i < 4 };
    profile.observe(event(i, { prompt_text: `question ${i}` }), null, tokens, OPTIONS);
  }
  profile.observe(event(10), null, { ...NO_TOKENS, harvestInstruction: true }, OPTIONS); // no text: not counted
  const signature = profile.toSignature();
  assert.deepEqual([signature.text_prompts, signature.harvest_instructions], [10, 4]);
  const { harvest_instructions: _, ...older } = signature;
  assert.equal(KeyProfile.fromSignature(keySignatureSchema.parse(older)).lifetime.harvestInstructions, 0);
});

test('the template centroid converges on the shared wording of near-duplicate prompts', () => {
  const random = rng(3);
  const base = randomFingerprint(random);
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 60; i++) profile.observe(event(i), nearDuplicate(base, 4, random), NO_TOKENS, OPTIONS);
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

test("an aged key's earlier traffic fades out of its evidence within a generation or two of a new campaign", () => {
  const random = rng(4);
  const cover = randomFingerprint(random);
  const campaign = randomFingerprint(random);
  const [coverPrompt, campaignPrompt] = ['a'.repeat(64), 'b'.repeat(64)];
  /** Evidence after ten hours of ordinary traffic at 60 an hour, then `minutes` of the campaign at 40 an hour. */
  const evidenceAfter = (contentGenerationMs: number, minutes: number) => {
    const profile = new KeyProfile('k', 'o', DAY0);
    const options = { longOutputTokens: 1_000, contentGenerationMs };
    for (let i = 0; i < 600; i++) {
      const e = event(i, { ts: DAY0 + i * 60_000, system_prompt_sha256: coverPrompt });
      profile.observe(e, nearDuplicate(cover, 3, random), NO_TOKENS, options);
    }
    for (let i = 0; i < (minutes * 40) / 60; i++) {
      const e = event(600 + i, { ts: DAY0 + 10 * HOUR + i * 90_000, system_prompt_sha256: campaignPrompt });
      profile.observe(e, nearDuplicate(campaign, 3, random), NO_TOKENS, options);
    }
    const slots = significantSlots(profile, 0.15).map((i) => profile.templates[i]!.centroid);
    const content = keyEvidence(
      profile,
      profile.templates.map((_, i) => i),
      0.15,
      false,
    ).content;
    return {
      campaignTemplate: slots.some((c) => hammingDistance(c, campaign) <= 6),
      campaignPrompt: content.includes(`s:${campaignPrompt}`),
      coverPrompt: content.includes(`s:${coverPrompt}`),
    };
  };
  // lifetime counts (a generation longer than the stream): 60 campaign events against 600 cover ones stay under 15%
  const lifetime = evidenceAfter(100 * HOUR, 90);
  assert.deepEqual(lifetime, { campaignTemplate: false, campaignPrompt: false, coverPrompt: true });
  // hourly generations: the cover traffic is halved away, so the campaign is evidence by then, and the cover alone
  // stops being evidence a few generations on
  assert.deepEqual(evidenceAfter(HOUR, 90), { campaignTemplate: true, campaignPrompt: true, coverPrompt: true });
  assert.deepEqual(evidenceAfter(HOUR, 300), { campaignTemplate: true, campaignPrompt: true, coverPrompt: false });
});

test("a busy key's vocabulary sketch restarts with its content generation; a slow key's keeps filling", () => {
  const words = (i: number) => ({
    ...NO_TOKENS,
    tokens: Int32Array.from([i * 7 + 1, i * 7 + 2, i * 7 + 3]),
    tokenCount: 3,
  });
  const busy = new KeyProfile('k', 'o', DAY0);
  // 30 prompts an hour for 3 hours: a generation ends once an hour has passed and 32 events are counted
  for (let i = 0; i < 90; i++)
    busy.observe(event(i, { ts: DAY0 + i * 2 * 60_000, prompt_text: 'x' }), null, words(i), OPTIONS);
  assert.equal(busy.generationStart, DAY0 + 124 * 60_000);
  assert.deepEqual([busy.previousTopicPrompts, busy.topicPrompts], [30, 28]);
  assert.equal(busy.recent.events, 23 + 28, 'halved twice (32 → 16, 46 → 23), then 28 new');
  assert.equal(busy.topicEvidence(), busy.topics);
  const slow = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 4; i++)
    slow.observe(event(i, { ts: DAY0 + i * HOUR, prompt_text: 'x' }), null, words(i), OPTIONS);
  assert.deepEqual([slow.generationStart, slow.recent.events, slow.topicPrompts], [DAY0, 4, 4]);
  assert.equal(slow.topicEvidence(), null, 'fewer than 5 prompts are no vocabulary evidence');
  slow.observe(event(9, { ts: DAY0 + 4 * HOUR, prompt_text: 'x' }), null, words(9), OPTIONS);
  assert.equal(slow.topicEvidence(), slow.topics);
});

test('a signature from before content generations restores as one generation since the key was first seen', () => {
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 8; i++) profile.observe(event(i, { prompt_text: `q ${i}` }), null, NO_TOKENS, OPTIONS);
  const { generation: _, ...older } = profile.toSignature();
  const restored = KeyProfile.fromSignature(keySignatureSchema.parse(older));
  assert.deepEqual(
    [restored.generationStart, restored.recent.events, restored.topicPrompts, restored.previousTopicPrompts],
    [DAY0, 8, 8, 0],
  );
  assert.deepEqual(restored.toSignature(), profile.toSignature());
});

test('content generations last an hour by default; 0 turns them off: counts stay lifetime counts', () => {
  assert.equal(coordinationOptionsSchema.parse(stage2Options(loadConfig({}))).contentGenerationMs, 3_600_000);
  const options = coordinationOptionsSchema.parse(stage2Options(loadConfig({ DG_COORD_CONTENT_GENERATION_MS: '0' })));
  assert.equal(options.contentGenerationMs, 0);
  const profile = new KeyProfile('k', 'o', DAY0);
  for (let i = 0; i < 100; i++) profile.observe(event(i, { ts: DAY0 + i * 10 * 60_000 }), null, NO_TOKENS, options);
  assert.deepEqual([profile.generationStart, profile.recent.events, profile.lifetime.events], [DAY0, 100, 100]);
  assert.throws(() => loadConfig({ DG_COORD_CONTENT_GENERATION_MS: '5000' }), /DG_COORD_CONTENT_GENERATION_MS/);
});
