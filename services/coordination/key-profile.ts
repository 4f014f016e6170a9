import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { fingerprintFromHex, fingerprintToHex, type PromptFingerprint } from '../common/text/fingerprint.ts';
import type { PromptTokens } from '../common/text/tokenize.ts';
import { networkPrefix } from './ip-prefix.ts';
import { type KeySignature, SIGNATURE_LIMITS } from './key-signature.ts';
import { SpaceSaving } from './space-saving.ts';
import { addToSlots, type TemplateSlot } from './template-slots.ts';
import { addPromptToSketch, emptyTopicSketch, topicSketchFromBase64, topicSketchToBase64 } from './topic-sketch.ts';

const HOUR_MS = 3_600_000;
const PHASE_MS = 5 * 60_000;

/** Bounded per-key state of stage 2: everything it links keys on, never a list of prompts or addresses. */
export class KeyProfile {
  readonly apiKeyId: string;
  orgId: string;
  firstSeen: number;
  lastSeen: number;
  events = 0;
  tokens = 0;
  outputTokens = 0;
  longOutputs = 0;
  textPrompts = 0;
  harvestInstructions = 0;
  topics = emptyTopicSketch();
  readonly templates: TemplateSlot[] = [];
  readonly systemPrompts = new SpaceSaving(SIGNATURE_LIMITS.systemPrompts);
  readonly asns = new SpaceSaving(SIGNATURE_LIMITS.asns);
  readonly prefixes = new SpaceSaving(SIGNATURE_LIMITS.prefixes);
  readonly hours = new Uint32Array(SIGNATURE_LIMITS.hours);
  readonly minutePhase = new Uint32Array(SIGNATURE_LIMITS.minutePhases);
  readonly sampleEventIds: string[] = [];

  constructor(apiKeyId: string, orgId: string, ts: number) {
    this.apiKeyId = apiKeyId;
    this.orgId = orgId;
    this.firstSeen = ts;
    this.lastSeen = ts;
  }

  /** `tokens`: stage 1's token hashes of `event.prompt_text`; outputs of `longOutputTokens` or more count as long. */
  observe(
    event: UsageEvent,
    fingerprint: PromptFingerprint | null,
    tokens: PromptTokens,
    longOutputTokens: number,
  ): void {
    this.orgId = event.org_id;
    this.firstSeen = Math.min(this.firstSeen, event.ts);
    this.lastSeen = Math.max(this.lastSeen, event.ts);
    this.events++;
    this.tokens += event.input_tokens + event.output_tokens;
    this.outputTokens += event.output_tokens;
    if (event.output_tokens >= longOutputTokens) this.longOutputs++;
    if (event.prompt_text) {
      this.textPrompts++;
      if (tokens.harvestInstruction) this.harvestInstructions++;
      addPromptToSketch(this.topics, tokens);
    }
    if (fingerprint) addToSlots(this.templates, fingerprint);
    if (event.system_prompt_sha256) this.systemPrompts.add(event.system_prompt_sha256);
    if (event.client_asn !== undefined) this.asns.add(String(event.client_asn));
    if (event.client_ip) this.prefixes.add(networkPrefix(event.client_ip));
    this.hours[Math.floor(event.ts / HOUR_MS) % 24]!++;
    this.minutePhase[Math.floor((event.ts % HOUR_MS) / PHASE_MS)]!++;
    this.sampleEventIds.push(event.event_id);
    if (this.sampleEventIds.length > SIGNATURE_LIMITS.sampleEventIds) this.sampleEventIds.shift();
  }

  toSignature(): KeySignature {
    return {
      v: 1,
      api_key_id: this.apiKeyId,
      org_id: this.orgId,
      first_seen: this.firstSeen,
      last_seen: this.lastSeen,
      events: this.events,
      tokens: this.tokens,
      output_tokens: this.outputTokens,
      long_outputs: this.longOutputs,
      text_prompts: this.textPrompts,
      harvest_instructions: this.harvestInstructions,
      topics: topicSketchToBase64(this.topics),
      templates: this.templates.map((s) => ({
        fp: fingerprintToHex(s.centroid),
        count: s.count,
        error: s.error,
        votes: Buffer.from(s.votes.buffer, s.votes.byteOffset, s.votes.byteLength).toString('base64'),
      })),
      system_prompts: this.systemPrompts.entries.map((e) => ({ ...e })),
      asns: this.asns.entries.map((e) => ({ ...e })),
      prefixes: this.prefixes.entries.map((e) => ({ ...e })),
      hours: [...this.hours],
      minute_phase: [...this.minutePhase],
      sample_event_ids: [...this.sampleEventIds],
    };
  }

  /** Rebuilds the exact state a signature was taken from (the signature is validated by the caller). */
  static fromSignature(sig: KeySignature): KeyProfile {
    const profile = new KeyProfile(sig.api_key_id, sig.org_id, sig.first_seen);
    profile.lastSeen = sig.last_seen;
    profile.events = sig.events;
    profile.tokens = sig.tokens;
    profile.outputTokens = sig.output_tokens;
    profile.longOutputs = sig.long_outputs;
    profile.textPrompts = sig.text_prompts;
    profile.harvestInstructions = sig.harvest_instructions;
    profile.topics = topicSketchFromBase64(sig.topics);
    for (const t of sig.templates) {
      const votes = new Int8Array(Buffer.from(t.votes, 'base64'));
      profile.templates.push({ votes, centroid: fingerprintFromHex(t.fp), count: t.count, error: t.error });
    }
    profile.systemPrompts.entries.push(...sig.system_prompts.map((e) => ({ ...e })));
    profile.asns.entries.push(...sig.asns.map((e) => ({ ...e })));
    profile.prefixes.entries.push(...sig.prefixes.map((e) => ({ ...e })));
    profile.hours.set(sig.hours);
    profile.minutePhase.set(sig.minute_phase);
    profile.sampleEventIds.push(...sig.sample_event_ids);
    return profile;
  }
}
