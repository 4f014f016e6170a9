import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { BOUNDS, LIMITS, usageEventSchema } from '../../../schemas/usage-v1.ts';
import { parseWellFormedEvent } from '../../../schemas/usage-v1-fast.ts';
import { createPrng } from '../../../services/ml/prng.ts';

type Rand = () => number;
type Event = Record<string, unknown>;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const intIn = (rand: Rand, [min, max]: readonly [number, number]) => min + Math.floor(rand() * (max - min + 1));

const TEXT_UNITS = ['a', 'Z', '7', ' ', 'é', 'ß', '中', '💥', '\u0000', '\u202E', '"', '\\', '\n', 'ﬁ'];
function text(rand: Rand, maxUnits: number): string {
  const target = rand() < 0.1 ? maxUnits : Math.floor(rand() * Math.min(maxUnits, 60));
  let s = '';
  while (s.length < target) {
    const unit = pick(rand, TEXT_UNITS);
    if (s.length + unit.length > target) break;
    s += unit;
  }
  return s;
}
const id = (rand: Rand) => text(rand, LIMITS.idChars) || 'k';
const hex = (rand: Rand, chars: number) =>
  Array.from({ length: chars }, () => pick(rand, [...'0123456789abcdef'])).join('');
const two = (n: number) => String(n).padStart(2, '0');

function rfc3339(rand: Rand): string {
  const year = pick(rand, [2000, 2024, 2026, 2028, 2099, 1999, 2100]);
  const month = intIn(rand, [1, 12]);
  const day = month === 2 && year % 4 === 0 && year !== 2100 && rand() < 0.3 ? 29 : intIn(rand, [1, 28]);
  const clock = `${two(intIn(rand, [0, 23]))}:${two(intIn(rand, [0, 59]))}:${two(intIn(rand, [0, 59]))}`;
  const fraction = pick(rand, ['', '.5', '.123', '.123456789']);
  const offset = pick(rand, ['Z', '+00:00', '-05:30', '+14:00']);
  return `${year}-${two(month)}-${two(day)}T${clock}${fraction}${offset}`;
}

const ip = (rand: Rand) =>
  rand() < 0.7
    ? Array.from({ length: 4 }, () => intIn(rand, [0, 255])).join('.')
    : pick(rand, ['::1', '2001:db8::8a2e:370:7334', 'fe80::1', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::']);

/** Each optional field and a generator of its valid values (edges included). */
const OPTIONAL: Record<string, (rand: Rand) => unknown> = {
  account_id: id,
  endpoint: (r) => text(r, LIMITS.shortTextChars),
  status: (r) => intIn(r, BOUNDS.status),
  max_tokens: (r) => pick(r, [0, 4096, BOUNDS.count[1]]),
  stop_reason: (r) => text(r, LIMITS.shortTextChars),
  latency_ms: (r) => pick(r, [0, 0.25, 38_435.5, BOUNDS.latencyMs[1]]),
  n: (r) => intIn(r, BOUNDS.n),
  temperature: (r) => pick(r, [0, 0.7, 2, 10, -0]),
  top_p: (r) => pick(r, [0, 0.95, 1]),
  logprobs: (r) => r() < 0.5,
  top_logprobs: (r) => intIn(r, BOUNDS.topLogprobs),
  stream: (r) => r() < 0.5,
  tool_count: (r) => intIn(r, BOUNDS.toolCount),
  prompt_text: (r) => (r() < 0.02 ? 'x'.repeat(LIMITS.promptTextChars) : text(r, 2_000)),
  prompt_sha256: (r) => hex(r, 64),
  prompt_simhash: (r) => hex(r, 16),
  system_prompt_sha256: (r) => hex(r, 64),
  client_ip: ip,
  client_asn: (r) => pick(r, [0, 7018, BOUNDS.asn[1]]),
  client_country: (r) => pick(r, ['US', 'DE', 'BR', 'CN']),
  user_agent: (r) => text(r, LIMITS.userAgentChars),
  billing_country: (r) => pick(r, ['US', 'FR']),
  key_created_at: rfc3339,
};

function validEvent(rand: Rand): Event {
  const event: Event = {
    event_id: id(rand),
    ts: rand() < 0.5 ? rfc3339(rand) : intIn(rand, BOUNDS.epochMs),
    api_key_id: id(rand),
    org_id: id(rand),
    model: id(rand),
    input_tokens: intIn(rand, BOUNDS.count),
    output_tokens: pick(rand, [0, 1, BOUNDS.count[1]]),
  };
  for (const [field, value] of Object.entries(OPTIONAL)) if (rand() < 0.6) event[field] = value(rand);
  // Producers write fields in any order; the result must still come out in the schema's order.
  return rand() < 0.3 ? Object.fromEntries(Object.entries(event).reverse()) : event;
}

const WRONG_VALUES: unknown[] = [
  null,
  undefined,
  true,
  false,
  -1,
  0.5,
  -0,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  '1',
  'US',
  'us',
  '\uD800',
  '1.2.3.4',
  '01.2.3.4',
  '::1\n',
  '::@1\\',
  '2026-03-05T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-03-05 00:00:00Z',
  '2026-03-05T00:00:00',
  'A'.repeat(16),
  'a'.repeat(64),
  'x'.repeat(LIMITS.idChars + 1),
  '💥'.repeat(LIMITS.idChars / 2),
  '💥'.repeat(LIMITS.idChars / 2 + 1),
  [],
  {},
  ['a'],
  { toString: 'x' },
];

/** Numbers just inside and outside a numeric field's bounds. */
function edges([min, max]: readonly [number, number]): number[] {
  return [min, max, min - 1, max + 1, min - 0.5, max + 0.5, min + 0.5, max - 1e-9];
}
const NUMERIC_BOUNDS: Record<string, readonly [number, number]> = {
  ts: BOUNDS.epochMs,
  input_tokens: BOUNDS.count,
  output_tokens: BOUNDS.count,
  max_tokens: BOUNDS.count,
  status: BOUNDS.status,
  latency_ms: BOUNDS.latencyMs,
  n: BOUNDS.n,
  temperature: BOUNDS.temperature,
  top_p: BOUNDS.topP,
  top_logprobs: BOUNDS.topLogprobs,
  tool_count: BOUNDS.toolCount,
  client_asn: BOUNDS.asn,
};
const ALL_FIELDS = ['event_id', 'ts', 'api_key_id', 'org_id', 'model', 'input_tokens', 'output_tokens'].concat(
  Object.keys(OPTIONAL),
);
const STRING_LIMITS: Record<string, number> = {
  event_id: LIMITS.idChars,
  api_key_id: LIMITS.idChars,
  account_id: LIMITS.idChars,
  endpoint: LIMITS.shortTextChars,
  stop_reason: LIMITS.shortTextChars,
  prompt_text: LIMITS.promptTextChars,
  user_agent: LIMITS.userAgentChars,
};

function mutate(rand: Rand, event: Event): Event {
  const e = { ...event };
  const field = pick(rand, ALL_FIELDS);
  const kind = Math.floor(rand() * 6);
  if (kind === 0) delete e[field];
  else if (kind === 1) e[field] = pick(rand, WRONG_VALUES);
  else if (kind === 2 && field in NUMERIC_BOUNDS) e[field] = pick(rand, edges(NUMERIC_BOUNDS[field]!));
  else if (kind === 3 && field in STRING_LIMITS) e[field] = pick(rand, ['x', '💥']).repeat(STRING_LIMITS[field]!);
  else if (kind === 4) e[pick(rand, ['extra', '__proto__', 'constructor', 'prompt', 'TS'])] = pick(rand, WRONG_VALUES);
  else e[field] = OPTIONAL[field]?.(rand) ?? pick(rand, WRONG_VALUES);
  return e;
}

/** What parseEventValue does before validating: optional fields written as null mean absent. */
function withoutNulls(event: Event): Event {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== null));
}

/** For a failure message: the fields whose removal alone changes the fast path's answer. */
function decisiveFields(input: Event): string[] {
  const answer = parseWellFormedEvent(structuredClone(input)) !== null;
  return Object.keys(input).filter((field) => {
    const { [field]: _, ...rest } = input;
    return (parseWellFormedEvent(structuredClone(rest)) !== null) !== answer;
  });
}

/** Fast path and zod on copies of one input: agreement on accept/reject, the value and its field order. */
function assertAgree(input: Event): { fast: boolean; zod: boolean } {
  const zod = usageEventSchema.safeParse(structuredClone(withoutNulls(input)));
  const fast = parseWellFormedEvent(structuredClone(withoutNulls(input)));
  const context = () => JSON.stringify(input, (_k, v) => (v === undefined ? '(undefined)' : v)).slice(0, 400);
  const zodSays = zod.success ? 'valid' : zod.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  assert.equal(
    fast !== null,
    zod.success,
    `accept/reject differ (zod: ${zodSays}; fast path turns on ${decisiveFields(withoutNulls(input))}) for ${context()}`,
  );
  if (fast !== null && zod.success) {
    assert.deepEqual(fast, zod.data, `values differ for ${context()}`);
    assert.deepEqual(Object.keys(fast), Object.keys(zod.data), `field order differs for ${context()}`);
  }
  const combined = parseEventValue(structuredClone(input));
  assert.equal(combined.ok, zod.success);
  if (combined.ok && zod.success) assert.deepEqual(combined.event, zod.data);
  return { fast: fast !== null, zod: zod.success };
}

describe('usage.v1 fast path agrees with the zod schema', () => {
  it('generates every field of the schema (a new field must be generated, so the agreement covers it)', () => {
    assert.deepEqual([...ALL_FIELDS].sort(), Object.keys(usageEventSchema.shape).sort());
  });

  it('accepts every generated valid event with the value zod returns', () => {
    const rand = createPrng(11);
    for (let i = 0; i < 5_000; i++) {
      const event = validEvent(rand);
      const { fast } = assertAgree(event);
      assert.ok(fast, `fast path refused ${JSON.stringify(parseEventValue(event)).slice(0, 300)}`);
    }
  });

  it('agrees on mutations: missing fields, wrong types, out-of-range values, extra fields, unicode', () => {
    const rand = createPrng(12);
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      let event = validEvent(rand);
      for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) event = mutate(rand, event);
      if (assertAgree(event).zod) accepted++;
      else rejected++;
    }
    // Both outcomes are well represented, so the agreement is tested both ways.
    assert.ok(rejected > 5_000, `rejected ${rejected}`);
    assert.ok(accepted > 5_000, `accepted ${accepted}`);
  });

  it('keeps a field that is present as undefined (JavaScript callers), as zod does', () => {
    const event = { ...validEvent(createPrng(3)), stream: undefined, n: undefined };
    const fast = parseWellFormedEvent(structuredClone(event));
    assert.ok(fast && 'stream' in fast && fast.stream === undefined);
    assertAgree(event);
  });

  it('leaves refusals and their reasons to zod', () => {
    const result = parseEventValue({ ...validEvent(createPrng(4)), ts: 1_772_668_800, status: 42 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.match(result.reason, /^invalid: ts: .*seconds/);
      assert.match(result.reason, /status: /);
    }
  });
});
