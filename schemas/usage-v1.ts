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

const id = z.string().min(1).max(LIMITS.idChars);
const shortText = z.string().max(LIMITS.shortTextChars);
const count = z.int().min(0).max(100_000_000);
const hex = (chars: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${chars}}$`), `expected ${chars} lowercase hex chars`);
const country = z.string().regex(/^[A-Z]{2}$/, 'expected ISO 3166-1 alpha-2 (two uppercase letters)');
const rfc3339 = z.iso.datetime({ offset: true });

const epochMs = z
  .int()
  .min(MIN_EPOCH_MS, 'epoch milliseconds expected (value looks like seconds or is before 2000)')
  .max(MAX_EPOCH_MS, 'epoch milliseconds after 2100');

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
    status: z.int().min(100).max(599).optional(),
    max_tokens: count.optional(),
    stop_reason: shortText.optional(),
    latency_ms: z.number().min(0).max(86_400_000).optional(),
    n: z.int().min(1).max(1024).optional(),
    temperature: z.number().min(0).max(10).optional(),
    top_p: z.number().min(0).max(1).optional(),
    logprobs: z.boolean().optional(),
    top_logprobs: z.int().min(0).max(100).optional(),
    stream: z.boolean().optional(),
    tool_count: z.int().min(0).max(10_000).optional(),
    prompt_text: z.string().max(LIMITS.promptTextChars).optional(),
    prompt_sha256: hex(64).optional(),
    prompt_simhash: hex(16).optional(),
    system_prompt_sha256: hex(64).optional(),
    client_ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    client_asn: z.int().min(0).max(4_294_967_295).optional(),
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
