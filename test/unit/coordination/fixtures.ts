import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import type { PromptFingerprint } from '../../../services/common/text/fingerprint.ts';
import { simhashText } from '../../../services/common/text/simhash.ts';
import type { PromptTokens } from '../../../services/common/text/tokenize.ts';
import type { CoordinationEngine } from '../../../services/coordination/index.ts';
import { preparePrompt } from '../../../services/detector/features/prepared-event.ts';

export const DAY0 = Date.UTC(2026, 2, 2);
const HOUR_MS = 3_600_000;
/** The token hashes of an event without prompt text. */
export const NO_TOKENS: PromptTokens = { tokens: new Int32Array(0), tokenCount: 0 };

/** Deterministic PRNG (mulberry32) so every fixture is the same on every run. */
export { createPrng as rng } from '../../../services/ml/prng.ts';

export function randomFingerprint(random: () => number): PromptFingerprint {
  return { hi: Math.floor(random() * 2 ** 32) >>> 0, lo: Math.floor(random() * 2 ** 32) >>> 0 };
}

/** `base` with `bits` distinct random bits flipped: a near-duplicate of the same template. */
export function nearDuplicate(base: PromptFingerprint, bits: number, random: () => number): PromptFingerprint {
  let { hi, lo } = base;
  const flipped = new Set<number>();
  while (flipped.size < bits) flipped.add(Math.floor(random() * 64));
  for (const b of flipped) {
    if (b < 32) hi ^= 1 << b;
    else lo ^= 1 << (b - 32);
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

export interface TrafficEvent {
  event: UsageEvent;
  fingerprint: PromptFingerprint | null;
}

export interface KeyTraffic {
  keyId: string;
  orgId: string;
  events: number;
  days?: number;
  /** UTC hours [from, to) the key is active in. */
  hours: [number, number];
  fingerprint: () => PromptFingerprint | null;
  /** Prompt text sent with each event; its SimHash then replaces `fingerprint`. */
  prompt?: () => string;
  /** Output tokens per request (input is 300); 400 unless given. */
  outputTokens?: number;
  asn?: () => number;
  ip?: () => string;
  systemPrompt?: string;
}

/** Events of one key spread over `days` days inside its active hours. */
export function keyTraffic(t: KeyTraffic, random: () => number): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  const span = (t.hours[1] - t.hours[0] + 24) % 24 || 24;
  for (let i = 0; i < t.events; i++) {
    const day = Math.floor(random() * (t.days ?? 1));
    const ts =
      DAY0 + day * 24 * HOUR_MS + ((t.hours[0] * HOUR_MS + Math.floor(random() * span * HOUR_MS)) % (24 * HOUR_MS));
    const event: UsageEvent = {
      event_id: `${t.keyId}-e${i}`,
      ts,
      api_key_id: t.keyId,
      org_id: t.orgId,
      model: 'm-large',
      input_tokens: 300,
      output_tokens: t.outputTokens ?? 400,
    };
    if (t.asn) event.client_asn = t.asn();
    if (t.ip) event.client_ip = t.ip();
    if (t.systemPrompt) event.system_prompt_sha256 = t.systemPrompt;
    if (t.prompt) event.prompt_text = t.prompt();
    out.push({ event, fingerprint: event.prompt_text ? simhashText(event.prompt_text) : t.fingerprint() });
  }
  return out;
}

/** Feeds events in event-time order the way the detector pipeline does, then flushes; returns every alert. */
export function runEngine(engine: CoordinationEngine, traffic: TrafficEvent[]): Alert[] {
  const sorted = [...traffic].sort((a, b) => a.event.ts - b.event.ts || (a.event.event_id < b.event.event_id ? -1 : 1));
  const alerts: Alert[] = [];
  for (const { event, fingerprint } of sorted) {
    engine.observe(event, fingerprint, preparePrompt(event));
    alerts.push(...engine.advance(event.ts));
  }
  alerts.push(...engine.flush(sorted[sorted.length - 1]!.event.ts));
  return alerts;
}

export function ipIn(prefix: string, random: () => number): string {
  return `${prefix}.${1 + Math.floor(random() * 254)}`;
}
