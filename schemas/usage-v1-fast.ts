import { z } from 'zod';
import { BOUNDS, clientIp, LIMITS, PATTERNS, rfc3339, type UsageEvent } from './usage-v1.ts';

/*
 * A hand-written check of usage.v1 for the hot path. `usageEventSchema` stays the contract: this accepts a subset of
 * what it accepts (everything a well-formed producer sends) and then returns exactly the value zod returns — same
 * fields, same order (the schema's), `ts` in epoch milliseconds, unknown fields dropped. Anything it does not accept
 * goes to zod, which decides and words the reasons. test/unit/schema/usage-v1-fast.test.ts proves the agreement on
 * generated events and their mutations.
 */

/** The very pattern zod tests for `z.iso.datetime({ offset: true })`. */
const RFC3339: RegExp = rfc3339.def.pattern ?? fail('zod no longer exposes the pattern of z.iso.datetime');
const IPV4 = z.regexes.ipv4;

function fail(message: string): never {
  throw new Error(message);
}
const [MIN_COUNT, MAX_COUNT] = BOUNDS.count;
const [MIN_EPOCH_MS, MAX_EPOCH_MS] = BOUNDS.epochMs;

/** Code points, as zod measures string lengths: a surrogate pair counts once, a lone surrogate once. */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** A string of at most `max` code points; counted only when its UTF-16 length is over (never fewer points). */
function isText(v: unknown, max: number): v is string {
  return typeof v === 'string' && (v.length <= max || codePoints(v) <= max);
}

function isId(v: unknown): v is string {
  return isText(v, LIMITS.idChars) && v.length >= 1;
}

/** z.int().min().max(): a number with no fraction inside the bounds (NaN and ±Infinity fail the comparisons). */
function isInt(v: unknown, bounds: readonly [number, number]): v is number {
  // Indexed, not destructured: a destructured parameter runs the array iterator (an allocation per call).
  return typeof v === 'number' && v >= bounds[0] && v <= bounds[1] && Number.isInteger(v);
}

/** z.number().min().max(): finite by the bounds. */
function isNumber(v: unknown, bounds: readonly [number, number]): v is number {
  return typeof v === 'number' && v >= bounds[0] && v <= bounds[1];
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && v >= MIN_COUNT && v <= MAX_COUNT && Number.isInteger(v);
}

/** `ts` as the schema's union turns it into epoch milliseconds, or NaN when the union would refuse it. */
function eventTime(v: unknown): number {
  if (typeof v === 'number') return v >= MIN_EPOCH_MS && v <= MAX_EPOCH_MS && Number.isInteger(v) ? v : Number.NaN;
  return typeof v === 'string' && RFC3339.test(v) ? Date.parse(v) : Number.NaN;
}

/**
 * PATTERNS.sha256 and PATTERNS.simhash (`^[0-9a-f]{n}$`) as a loop over the characters: three of these run per event,
 * and a regular expression call costs several times more.
 */
function isLowerHex(v: unknown, chars: number): boolean {
  if (typeof v !== 'string' || v.length !== chars) return false;
  for (let i = 0; i < chars; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function matches(v: unknown, pattern: RegExp): boolean {
  return typeof v === 'string' && pattern.test(v);
}

function isIp(v: unknown): boolean {
  return typeof v === 'string' && (IPV4.test(v) || clientIp.safeParse(v).success);
}

/** The optional fields: each absent (undefined) or passing its schema; `false` means "not certainly valid". */
function optionalOk(e: Record<string, unknown>): boolean {
  return (
    (e.account_id === undefined || isId(e.account_id)) &&
    (e.endpoint === undefined || isText(e.endpoint, LIMITS.shortTextChars)) &&
    (e.status === undefined || isInt(e.status, BOUNDS.status)) &&
    (e.max_tokens === undefined || isCount(e.max_tokens)) &&
    (e.stop_reason === undefined || isText(e.stop_reason, LIMITS.shortTextChars)) &&
    (e.latency_ms === undefined || isNumber(e.latency_ms, BOUNDS.latencyMs)) &&
    (e.n === undefined || isInt(e.n, BOUNDS.n)) &&
    (e.temperature === undefined || isNumber(e.temperature, BOUNDS.temperature)) &&
    (e.top_p === undefined || isNumber(e.top_p, BOUNDS.topP)) &&
    (e.logprobs === undefined || typeof e.logprobs === 'boolean') &&
    (e.top_logprobs === undefined || isInt(e.top_logprobs, BOUNDS.topLogprobs)) &&
    (e.stream === undefined || typeof e.stream === 'boolean') &&
    (e.tool_count === undefined || isInt(e.tool_count, BOUNDS.toolCount)) &&
    (e.prompt_text === undefined || isText(e.prompt_text, LIMITS.promptTextChars)) &&
    (e.prompt_sha256 === undefined || isLowerHex(e.prompt_sha256, 64)) &&
    (e.prompt_simhash === undefined || isLowerHex(e.prompt_simhash, 16)) &&
    (e.system_prompt_sha256 === undefined || isLowerHex(e.system_prompt_sha256, 64)) &&
    (e.client_ip === undefined || isIp(e.client_ip)) &&
    (e.client_asn === undefined || isInt(e.client_asn, BOUNDS.asn)) &&
    (e.client_country === undefined || matches(e.client_country, PATTERNS.country)) &&
    (e.user_agent === undefined || isText(e.user_agent, LIMITS.userAgentChars)) &&
    (e.billing_country === undefined || matches(e.billing_country, PATTERNS.country)) &&
    (e.key_created_at === undefined || matches(e.key_created_at, RFC3339))
  );
}

/**
 * Copies the optional fields in the schema's order. zod keeps a key that is present with the value `undefined`
 * (JavaScript callers, never JSON) and leaves out one that is absent; so does this. Written out field by field: named
 * loads are several times cheaper than a loop over names.
 */
function copyOptional(e: Record<string, unknown>, out: Record<string, unknown>): void {
  if (e.account_id !== undefined || 'account_id' in e) out.account_id = e.account_id;
  if (e.endpoint !== undefined || 'endpoint' in e) out.endpoint = e.endpoint;
  if (e.status !== undefined || 'status' in e) out.status = e.status;
  if (e.max_tokens !== undefined || 'max_tokens' in e) out.max_tokens = e.max_tokens;
  if (e.stop_reason !== undefined || 'stop_reason' in e) out.stop_reason = e.stop_reason;
  if (e.latency_ms !== undefined || 'latency_ms' in e) out.latency_ms = e.latency_ms;
  if (e.n !== undefined || 'n' in e) out.n = e.n;
  if (e.temperature !== undefined || 'temperature' in e) out.temperature = e.temperature;
  if (e.top_p !== undefined || 'top_p' in e) out.top_p = e.top_p;
  if (e.logprobs !== undefined || 'logprobs' in e) out.logprobs = e.logprobs;
  if (e.top_logprobs !== undefined || 'top_logprobs' in e) out.top_logprobs = e.top_logprobs;
  if (e.stream !== undefined || 'stream' in e) out.stream = e.stream;
  if (e.tool_count !== undefined || 'tool_count' in e) out.tool_count = e.tool_count;
  if (e.prompt_text !== undefined || 'prompt_text' in e) out.prompt_text = e.prompt_text;
  if (e.prompt_sha256 !== undefined || 'prompt_sha256' in e) out.prompt_sha256 = e.prompt_sha256;
  if (e.prompt_simhash !== undefined || 'prompt_simhash' in e) out.prompt_simhash = e.prompt_simhash;
  if (e.system_prompt_sha256 !== undefined || 'system_prompt_sha256' in e) {
    out.system_prompt_sha256 = e.system_prompt_sha256;
  }
  if (e.client_ip !== undefined || 'client_ip' in e) out.client_ip = e.client_ip;
  if (e.client_asn !== undefined || 'client_asn' in e) out.client_asn = e.client_asn;
  if (e.client_country !== undefined || 'client_country' in e) out.client_country = e.client_country;
  if (e.user_agent !== undefined || 'user_agent' in e) out.user_agent = e.user_agent;
  if (e.billing_country !== undefined || 'billing_country' in e) out.billing_country = e.billing_country;
  if (e.key_created_at !== undefined || 'key_created_at' in e) out.key_created_at = e.key_created_at;
}

/**
 * `input` (a decoded JSON object with its nulls already dropped) as the validated event when it is certainly valid,
 * equal to what `usageEventSchema.parse` returns; null when zod has to decide.
 */
export function parseWellFormedEvent(input: Record<string, unknown>): UsageEvent | null {
  const { event_id, api_key_id, org_id, model, input_tokens, output_tokens } = input;
  if (!isId(event_id) || !isId(api_key_id) || !isId(org_id) || !isId(model)) return null;
  if (!isCount(input_tokens) || !isCount(output_tokens)) return null;
  const ts = eventTime(input.ts);
  if (Number.isNaN(ts) || !optionalOk(input)) return null;
  const event: UsageEvent = { event_id, ts, api_key_id, org_id, model, input_tokens, output_tokens };
  copyOptional(input, event as Record<string, unknown>);
  return event;
}
