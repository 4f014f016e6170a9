import { z } from 'zod';
import { LIMITS } from '../../schemas/usage-v1.ts';
import { TEMPLATE_SLOTS } from './template-slots.ts';
import { emptyTopicSketch, topicSketchToBase64 } from './topic-sketch.ts';

const EMPTY_TOPICS = topicSketchToBase64(emptyTopicSketch());

/** Bounds of one key's summary; together they cap a signature at a few kilobytes of JSON. */
export const SIGNATURE_LIMITS = {
  templates: TEMPLATE_SLOTS,
  systemPrompts: 3,
  asns: 6,
  prefixes: 4,
  sampleEventIds: 4,
  hours: 24,
  minutePhases: 12,
} as const;

const count = z.int().min(0);
const counted = (value: z.ZodString, max: number) => z.array(z.object({ value, count, error: count })).max(max);

/**
 * The compact per-key summary stage 2 links on, lossless with respect to the coordination engine's per-key state: the
 * form that state takes in the engine's checkpoint.
 */
export const keySignatureSchema = z.object({
  v: z.literal(1),
  api_key_id: z.string().min(1).max(LIMITS.idChars),
  org_id: z.string().min(1).max(LIMITS.idChars),
  first_seen: z.int(),
  last_seen: z.int(),
  events: count,
  tokens: count,
  /** Fields added after v1 shipped default to an empty history, so older checkpoints still restore. */
  output_tokens: count.default(0),
  long_outputs: count.default(0),
  /** Events that carried `prompt_text`, folded into `topics`. */
  text_prompts: count.default(0),
  /** Of those, prompts stage 1's elicitation classifier read as harvesting instructions. */
  harvest_instructions: count.default(0),
  /** One-permutation MinHash of the key's prompt vocabulary (16 × uint32, base64). */
  topics: z.base64().length(88).default(EMPTY_TOPICS),
  /**
   * The current content generation (key-profile.ts): its start, the events behind the (halved) content counts, the
   * prompts in `topics`, the last generation's sketch, and the recent (halved) token, output and prompt totals.
   * Absent in signatures written before generations existed.
   */
  generation: z
    .object({
      start: z.int(),
      content_events: count,
      topic_prompts: count,
      previous_topics: z.base64().length(88),
      previous_topic_prompts: count,
      input_tokens: count,
      output_tokens: count,
      long_outputs: count,
      text_prompts: count,
      harvest_instructions: count,
    })
    .optional(),
  /** Template centroids (64-bit SimHash hex) with Space-Saving counts and base64 per-bit votes (64 × int8). */
  templates: z
    .array(
      z.object({
        fp: z.string().regex(/^[0-9a-f]{16}$/),
        count,
        error: count,
        votes: z.base64().length(88),
      }),
    )
    .max(SIGNATURE_LIMITS.templates),
  system_prompts: counted(z.string().regex(/^[0-9a-f]{64}$/), SIGNATURE_LIMITS.systemPrompts),
  asns: counted(z.string().regex(/^[0-9]{1,10}$/), SIGNATURE_LIMITS.asns),
  /** IPv4 /24 or IPv6 /48 networks. */
  prefixes: counted(z.string().max(64), SIGNATURE_LIMITS.prefixes),
  /** Events per UTC hour of day. */
  hours: z.array(count).length(SIGNATURE_LIMITS.hours),
  /** Events per 5-minute phase of the hour (cron-like schedules). */
  minute_phase: z.array(count).length(SIGNATURE_LIMITS.minutePhases),
  sample_event_ids: z.array(z.string().max(LIMITS.idChars)).max(SIGNATURE_LIMITS.sampleEventIds),
});

export type KeySignature = z.infer<typeof keySignatureSchema>;
