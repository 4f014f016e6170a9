import { describeIssues } from './describe-issues.ts';
import { LIMITS, type UsageEvent, usageEventSchema } from './usage-v1.ts';
import { parseWellFormedEvent } from './usage-v1-fast.ts';

export type ParseResult = { ok: true; event: UsageEvent } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Drops null-valued fields: producers in other languages often write null for "absent". */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  for (const key in value) if (value[key] === null) delete value[key];
  return value;
}

/** A reason names at most this many of the event's issues. */
const MAX_REASON_ISSUES = 5;

/**
 * Validates an already-decoded JSON value as usage.v1. Never throws. Well-formed events take the hand-written check
 * (`usage-v1-fast.ts`, same value as zod); the rest are decided and described by the zod schema.
 */
export function parseEventValue(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not_object: a usage.v1 event must be a JSON object' };
  }
  const input = withoutNulls(value as Record<string, unknown>);
  const event = parseWellFormedEvent(input);
  if (event !== null) return { ok: true, event };
  const result = usageEventSchema.safeParse(input);
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, reason: `invalid: ${describeIssues(result.error, [], MAX_REASON_ISSUES)}` };
}

/**
 * A valid event stamped further ahead of `nowMs` than `maxFutureSkewMs` (a clock-skewed gateway or a hostile producer):
 * its reason (`future_ts: ...`), else null. Event time drives every window, so one such event would age out every
 * other key's state.
 */
export function futureTimestampReason(event: UsageEvent, nowMs: number, maxFutureSkewMs: number): string | null {
  if (maxFutureSkewMs <= 0 || event.ts <= nowMs + maxFutureSkewMs) return null;
  const ahead = Math.round((event.ts - nowMs) / 1000);
  return `future_ts: ts ${new Date(event.ts).toISOString()} is ${ahead} s ahead of the clock (limit ${maxFutureSkewMs / 1000} s)`;
}

/** Parses one message (bytes or text) as usage.v1. Never throws; the reason starts with a stable code. */
export function parseEvent(raw: Uint8Array | string | null | undefined): ParseResult {
  if (raw == null) return { ok: false, reason: 'empty: message has no value' };
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size === 0) return { ok: false, reason: 'empty: message has no value' };
  if (size > LIMITS.maxMessageBytes) {
    return { ok: false, reason: `too_large: ${size} bytes exceeds the ${LIMITS.maxMessageBytes}-byte limit` };
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : decoder.decode(raw);
  } catch {
    return { ok: false, reason: 'bad_utf8: message is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `bad_json: ${(error as Error).message.slice(0, 200)}` };
  }
  return parseEventValue(value);
}
