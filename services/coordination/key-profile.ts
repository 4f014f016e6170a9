import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { CoordinationOptions } from '../common/config/coordination-options.ts';
import { fingerprintFromHex, fingerprintToHex, type PromptFingerprint } from '../common/text/fingerprint.ts';
import type { PromptTokens } from '../common/text/tokenize.ts';
import { networkPrefix } from './ip-prefix.ts';
import { type KeySignature, SIGNATURE_LIMITS } from './key-signature.ts';
import { SpaceSaving } from './space-saving.ts';
import { addToSlots, type TemplateSlot } from './template-slots.ts';
import {
  addPromptToSketch,
  emptyTopicSketch,
  MIN_TOPIC_PROMPTS,
  topicSketchFromBase64,
  topicSketchToBase64,
} from './topic-sketch.ts';
import { TrafficTotals } from './traffic-totals.ts';

type ProfileOptions = Pick<CoordinationOptions, 'longOutputTokens' | 'contentGenerationMs'>;
/**
 * Text prompts a vocabulary sketch holds before a new generation restarts it: fewer than this and the next
 * generation's prompts fold into the same sketch (sparse users' few prompts make sketches that collide by chance).
 */
const TOPIC_GENERATION_PROMPTS = 20;
/**
 * Events behind the content counts before they are halved: a slow key's counts keep adding up (as lifetime counts)
 * until a halving would still leave its evidence standing; a hydra member at a few requests an hour is not erased.
 */
const GENERATION_EVENTS = 32;

/** Halves Space-Saving counts in place (and their errors, so `count - error` stays a lower bound); drops emptied ones. */
function halve<T extends { count: number; error: number }>(entries: T[]): void {
  for (const e of entries) {
    e.count = Math.floor(e.count / 2);
    e.error = Math.floor(e.error / 2);
  }
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.count === 0) entries.splice(i, 1);
}

const HOUR_MS = 3_600_000;
const PHASE_MS = 5 * 60_000;

/** Bounded per-key state of stage 2: everything it links keys on, never a list of prompts or addresses. */
export class KeyProfile {
  readonly apiKeyId: string;
  orgId: string;
  firstSeen: number;
  lastSeen: number;
  /** Everything the key sent since first seen (volume, the population's percentiles). */
  readonly lifetime = new TrafficTotals();
  /**
   * The same counts halved with the content counts at each content generation (`contentGenerationMs`): what the
   * key sends now. `recent.events` is the denominator of evidence shares; the cluster's extraction shape reads the rest.
   */
  readonly recent = new TrafficTotals();
  /** When the current content generation began, and the vocabulary sketch of this generation and the last, with
   * the text prompts folded into each. */
  generationStart: number;
  topics = emptyTopicSketch();
  topicPrompts = 0;
  previousTopics = emptyTopicSketch();
  previousTopicPrompts = 0;
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
    this.generationStart = ts;
  }

  /** `tokens`: stage 1's token hashes of `event.prompt_text`; outputs of `longOutputTokens` or more count as long. */
  observe(
    event: UsageEvent,
    fingerprint: PromptFingerprint | null,
    tokens: PromptTokens,
    options: ProfileOptions,
  ): void {
    const generation = options.contentGenerationMs;
    if (generation > 0 && event.ts - this.generationStart >= generation && this.recent.events >= GENERATION_EVENTS)
      this.nextGeneration(event.ts);
    this.orgId = event.org_id;
    this.firstSeen = Math.min(this.firstSeen, event.ts);
    this.lastSeen = Math.max(this.lastSeen, event.ts);
    const long = event.output_tokens >= options.longOutputTokens;
    const instruction = tokens.harvestInstruction === true;
    this.lifetime.add(event, long, instruction);
    this.recent.add(event, long, instruction);
    if (event.prompt_text) {
      this.topicPrompts++;
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

  /**
   * Starts a content generation at `ts`: content counts are halved (traffic a generation old weighs half, two
   * generations old a quarter), and the vocabulary sketch restarts once it holds enough prompts to be evidence (a
   * slow key's keeps filling), the finished one kept until the new one has as many. Volume, output and schedule
   * totals stay lifetime figures.
   */
  private nextGeneration(ts: number): void {
    halve(this.templates);
    halve(this.systemPrompts.entries);
    halve(this.asns.entries);
    halve(this.prefixes.entries);
    this.recent.halve();
    if (this.topicPrompts >= TOPIC_GENERATION_PROMPTS) {
      this.previousTopics = this.topics;
      this.previousTopicPrompts = this.topicPrompts;
      this.topics = emptyTopicSketch();
      this.topicPrompts = 0;
    }
    this.generationStart = ts;
  }

  /** The vocabulary sketch that is evidence: this generation's once it has enough prompts, else the last one's. */
  topicEvidence(): Uint32Array | null {
    if (this.topicPrompts >= MIN_TOPIC_PROMPTS) return this.topics;
    return this.previousTopicPrompts >= MIN_TOPIC_PROMPTS ? this.previousTopics : null;
  }

  toSignature(): KeySignature {
    return {
      v: 1,
      api_key_id: this.apiKeyId,
      org_id: this.orgId,
      first_seen: this.firstSeen,
      last_seen: this.lastSeen,
      events: this.lifetime.events,
      tokens: this.lifetime.inputTokens + this.lifetime.outputTokens,
      output_tokens: this.lifetime.outputTokens,
      long_outputs: this.lifetime.longOutputs,
      text_prompts: this.lifetime.textPrompts,
      harvest_instructions: this.lifetime.harvestInstructions,
      topics: topicSketchToBase64(this.topics),
      generation: {
        start: this.generationStart,
        content_events: this.recent.events,
        topic_prompts: this.topicPrompts,
        previous_topics: topicSketchToBase64(this.previousTopics),
        previous_topic_prompts: this.previousTopicPrompts,
        input_tokens: this.recent.inputTokens,
        output_tokens: this.recent.outputTokens,
        long_outputs: this.recent.longOutputs,
        text_prompts: this.recent.textPrompts,
        harvest_instructions: this.recent.harvestInstructions,
      },
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
    const { lifetime, recent } = profile;
    lifetime.events = sig.events;
    lifetime.inputTokens = sig.tokens - sig.output_tokens;
    lifetime.outputTokens = sig.output_tokens;
    lifetime.longOutputs = sig.long_outputs;
    lifetime.textPrompts = sig.text_prompts;
    lifetime.harvestInstructions = sig.harvest_instructions;
    profile.topics = topicSketchFromBase64(sig.topics);
    // Signatures from before content generations: one generation since first seen, holding every event and prompt.
    const g = sig.generation;
    profile.generationStart = g?.start ?? sig.first_seen;
    recent.events = g?.content_events ?? sig.events;
    profile.topicPrompts = g?.topic_prompts ?? sig.text_prompts;
    if (g) profile.previousTopics = topicSketchFromBase64(g.previous_topics);
    profile.previousTopicPrompts = g?.previous_topic_prompts ?? 0;
    recent.inputTokens = g?.input_tokens ?? lifetime.inputTokens;
    recent.outputTokens = g?.output_tokens ?? sig.output_tokens;
    recent.longOutputs = g?.long_outputs ?? sig.long_outputs;
    recent.textPrompts = g?.text_prompts ?? sig.text_prompts;
    recent.harvestInstructions = g?.harvest_instructions ?? sig.harvest_instructions;
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
