import type { UsageEventInput } from '../../schemas/usage-v1.ts';
// Seeded mulberry32, so event `i` is the same on every machine and every run.
import { createPrng } from '../../services/ml/prng.ts';

const WORDS = (
  'explain summarise translate compare the a of model data function error query invoice customer report step ' +
  'reason carefully because therefore first then finally table column value list python typescript latency cache ' +
  'budget contract policy chapter history physics proof theorem lemma derivative integral matrix vector gradient ' +
  'network protocol packet server client request response token embedding dataset label review refund shipping'
).split(' ');
const TEMPLATES = [
  'Think step by step and show your full reasoning before answering: ',
  'Solve the following problem, writing out every intermediate step: ',
  'You are a helpful assistant. Answer concisely: ',
];
const MODELS = ['model-large-2026-01', 'model-small-2025-10', 'model-reasoning-2026-02'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA'];
const START_MS = Date.parse('2026-03-01T00:00:00Z');

export interface SyntheticOptions {
  /** Distinct API keys; traffic per key is skewed (a few keys send most requests). */
  keys: number;
  /** Approximate prompt length in characters. */
  promptChars: number;
  /** Events per second of event time. */
  rate: number;
  /** Prefix of every event_id, so several generated sets never collide. */
  idPrefix?: string;
}

function prompt(next: () => number, chars: number, templated: boolean): string {
  let text = templated ? TEMPLATES[Math.floor(next() * TEMPLATES.length)]! : '';
  while (text.length < chars) text += `${WORDS[Math.floor(next() * WORDS.length)]} `;
  return text.slice(0, chars);
}

/** Event `i` of a deterministic stream shaped like the simulator's usage.v1 output (benign and templated keys). */
export function syntheticEvent(i: number, o: SyntheticOptions): UsageEventInput {
  const next = createPrng(i * 2654435761);
  const key = Math.floor(o.keys * next() ** 3);
  const templated = key % 10 === 0;
  const input = 20 + Math.floor(next() * 800);
  return {
    event_id: `${o.idPrefix ?? 'ev'}-${i}`,
    ts: START_MS + Math.floor((i * 1000) / o.rate),
    api_key_id: `key-${key}`,
    org_id: `org-${key % 997}`,
    model: MODELS[key % MODELS.length]!,
    input_tokens: input,
    output_tokens: templated ? 1500 + Math.floor(next() * 2000) : Math.floor(next() * 1200),
    endpoint: '/v1/messages',
    status: 200,
    max_tokens: 4096,
    stop_reason: next() < 0.1 ? 'max_tokens' : 'end_turn',
    latency_ms: Math.round(200 + next() * 3000),
    temperature: templated ? 0 : Math.round(next() * 10) / 10,
    stream: next() < 0.5,
    prompt_text: prompt(next, Math.max(0, Math.round(o.promptChars * (0.7 + next() * 0.6))), templated),
    client_ip: `10.${key % 256}.${(key >> 8) % 256}.${1 + (i % 250)}`,
    client_asn: 64_512 + (key % 1000),
    client_country: COUNTRIES[key % COUNTRIES.length]!,
    billing_country: COUNTRIES[key % COUNTRIES.length]!,
    user_agent: templated ? 'python-httpx/0.27' : 'sdk-js/1.4.0',
  };
}
