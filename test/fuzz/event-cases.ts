/** Seeded generator of hostile usage.v1 messages for the parser fuzzer (deterministic for a seed). */
import { createPrng as mulberry32 } from '../../services/ml/prng.ts';

export { mulberry32 };

const base = () => ({
  event_id: 'fz-1',
  ts: '2026-03-01T12:00:00Z',
  api_key_id: 'key',
  org_id: 'org',
  model: 'm',
  input_tokens: 1,
  output_tokens: 2,
});

const FIELDS = Object.keys(base()).concat([
  'client_ip',
  'client_country',
  'prompt_simhash',
  'n',
  'temperature',
  'prompt_text',
]);
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0.5,
  1e308,
  -0,
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\u202E',
  '💥'.repeat(50),
  [],
  {},
  [[[]]],
  { $gt: '' },
  '__proto__',
  "'; DROP TABLE usage_events; --",
  '9'.repeat(400),
  'NaN',
  'Infinity',
];

type Case = Buffer | string;

function deepNesting(rand: () => number): string {
  const depth = 1 + Math.floor(rand() * 100_000);
  return '['.repeat(depth) + ']'.repeat(depth);
}

function mutateField(rand: () => number): string {
  const e: Record<string, unknown> = base();
  const field = FIELDS[Math.floor(rand() * FIELDS.length)]!;
  e[field] = WEIRD_VALUES[Math.floor(rand() * WEIRD_VALUES.length)];
  return JSON.stringify(e);
}

function randomBytes(rand: () => number): Buffer {
  const b = Buffer.alloc(Math.floor(rand() * 512));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

function truncated(rand: () => number): string {
  const text = JSON.stringify({ ...base(), prompt_text: 'x'.repeat(Math.floor(rand() * 200)) });
  return text.slice(0, Math.floor(rand() * text.length));
}

function numericEdge(rand: () => number): string {
  const raw = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '1_000', '01'][Math.floor(rand() * 8)];
  return JSON.stringify(base()).replace('"input_tokens":1', `"input_tokens":${raw}`);
}

function hugeString(rand: () => number): string {
  const size = [40_000, 1_048_000, 2_000_000][Math.floor(rand() * 3)]!;
  return JSON.stringify({ ...base(), prompt_text: 'a'.repeat(size) });
}

const GENERATORS: Array<(rand: () => number) => Case> = [
  randomBytes,
  truncated,
  mutateField,
  mutateField,
  numericEdge,
  (r) => (r() < 0.02 ? deepNesting(r) : truncated(r)),
  (r) => (r() < 0.01 ? hugeString(r) : mutateField(r)),
  (r) => JSON.stringify(WEIRD_VALUES[Math.floor(r() * WEIRD_VALUES.length)]),
];

export function* fuzzCases(seed: number, count: number): Generator<Case> {
  const rand = mulberry32(seed);
  for (let i = 0; i < count; i++) yield GENERATORS[Math.floor(rand() * GENERATORS.length)]!(rand);
}

/** A 10 MB message: refused by size before it is parsed. */
export function tenMegabyteMessage(): Buffer {
  return Buffer.alloc(10 * 1024 * 1024, 0x41);
}
