import { z } from 'zod';

/** Size limits that keep one hostile record from exhausting memory; documented in the JSON Schema. */
export const LIMITS = {
  idChars: 128,
  shortTextChars: 256,
  userAgentChars: 1024,
  promptTextChars: 32_768,
  maxMessageBytes: 1_048_576,
} as const;

/** Epoch-millisecond bounds (2000-01-01 .. 2100-01-01): catches seconds-instead-of-milliseconds mistakes. */
const MIN_EPOCH_MS = 946_684_800_000;
const MAX_EPOCH_MS = 4_102_444_800_000;

/** Inclusive [min, max] of the numeric fields; shared with the hand-written check (`usage-v1-fast.ts`). */
export const BOUNDS = {
  count: [0, 100_000_000],
  epochMs: [MIN_EPOCH_MS, MAX_EPOCH_MS],
  status: [100, 599],
  latencyMs: [0, 86_400_000],
  n: [1, 1024],
  temperature: [0, 10],
  topP: [0, 1],
  topLogprobs: [0, 100],
  toolCount: [0, 10_000],
  asn: [0, 4_294_967_295],
} as const satisfies Record<string, readonly [number, number]>;

/** Patterns of the fingerprint and country fields; shared with the hand-written check. */
export const PATTERNS = {
  sha256: /^[0-9a-f]{64}$/,
  simhash: /^[0-9a-f]{16}$/,
  country: /^[A-Z]{2}$/,
} as const;

const id = z.string().min(1).max(LIMITS.idChars);
const shortText = z.string().max(LIMITS.shortTextChars);
const int = ([min, max]: readonly [number, number]) => z.int().min(min).max(max);
const number = ([min, max]: readonly [number, number]) => z.number().min(min).max(max);
const count = int(BOUNDS.count);
const hex = (pattern: RegExp, chars: number) => z.string().regex(pattern, `expected ${chars} lowercase hex chars`);
const country = z.string().regex(PATTERNS.country, 'expected ISO 3166-1 alpha-2 (two uppercase letters)');
/** RFC 3339 with an offset (`Z` or ±hh:mm); exported for the hand-written check, which tests its pattern. */
export const rfc3339 = z.iso.datetime({ offset: true });
/** An IPv4 or IPv6 address; exported for the hand-written check, which asks it about anything but IPv4. */
export const clientIp = z.union([z.ipv4(), z.ipv6()]);

const epochMs = z
  .int()
  .min(BOUNDS.epochMs[0], 'epoch milliseconds expected (value looks like seconds or is before 2000)')
  .max(BOUNDS.epochMs[1], 'epoch milliseconds after 2100');

/** `ts` arrives as RFC 3339 or epoch ms; the parsed event always carries epoch milliseconds. */
const eventTime = z.union([rfc3339, epochMs]).transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const usageEventSchema = z
  .object({
    event_id: id,
    ts: eventTime,
    api_key_id: id,
    org_id: id,
    model: id,
    input_tokens: count,
    output_tokens: count,
    account_id: id.optional(),
    endpoint: shortText.optional(),
    status: int(BOUNDS.status).optional(),
    max_tokens: count.optional(),
    stop_reason: shortText.optional(),
    latency_ms: number(BOUNDS.latencyMs).optional(),
    n: int(BOUNDS.n).optional(),
    temperature: number(BOUNDS.temperature).optional(),
    top_p: number(BOUNDS.topP).optional(),
    logprobs: z.boolean().optional(),
    top_logprobs: int(BOUNDS.topLogprobs).optional(),
    stream: z.boolean().optional(),
    tool_count: int(BOUNDS.toolCount).optional(),
    prompt_text: z.string().max(LIMITS.promptTextChars).optional(),
    prompt_sha256: hex(PATTERNS.sha256, 64).optional(),
    prompt_simhash: hex(PATTERNS.simhash, 16).optional(),
    system_prompt_sha256: hex(PATTERNS.sha256, 64).optional(),
    client_ip: clientIp.optional(),
    client_asn: int(BOUNDS.asn).optional(),
    client_country: country.optional(),
    user_agent: z.string().max(LIMITS.userAgentChars).optional(),
    billing_country: country.optional(),
    key_created_at: rfc3339.optional(),
  })
  .meta({
    $id: 'https://distillguard.dev/schemas/usage.v1.json',
    title: 'usage.v1',
    description:
      'One model-API request as logged by a gateway. One JSON object per Kafka message. Unknown fields are ignored; ' +
      'optional fields may be omitted or null. `ts` is RFC 3339 or epoch milliseconds.',
  });

/** The event as producers send it. */
export type UsageEventInput = z.input<typeof usageEventSchema>;
/** The validated event: `ts` is epoch milliseconds. */
export type UsageEvent = z.output<typeof usageEventSchema>;
