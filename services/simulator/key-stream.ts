import { createHash } from 'node:crypto';
import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import { fingerprintToHex } from '../common/text/fingerprint.ts';
import { simhashText } from '../common/text/simhash.ts';
import type { Behaviour, SimulatedKeyProfile } from './profile.ts';
import { pickModel } from './profile.ts';
import { Rng } from './random.ts';
import { requestFields } from './request-style.ts';
import type { PromptMode } from './truth.ts';

/** A generated event with its event time as a number, for merging. */
export interface TimedEvent {
  ts: number;
  event: UsageEventInput;
}

export interface StreamSettings {
  seed: number;
  promptMode: PromptMode;
}

/** Arrival times in [activeFrom, activeUntil): candidates at the schedule's peak rate, thinned by intensity. */
function* arrivals(profile: SimulatedKeyProfile, rng: Rng): Generator<number> {
  const peakPerMs = (profile.ratePerHour * profile.schedule.peak) / 3_600_000;
  if (!(peakPerMs > 0)) return;
  const meanGap = 1 / peakPerMs;
  let t = profile.activeFrom;
  for (;;) {
    const gap =
      profile.arrival.kind === 'poisson'
        ? rng.exponential(meanGap)
        : meanGap * Math.max(0.05, 1 + profile.arrival.jitter * rng.normal());
    t += gap;
    if (t >= profile.activeUntil) return;
    if (rng.next() * profile.schedule.peak < profile.schedule.at(t)) yield Math.floor(t);
  }
}

function behaviourAt(profile: SimulatedKeyProfile, rng: Rng, ts: number): Behaviour {
  const x = profile.extraction;
  return x && ts >= x.from && rng.chance(x.share) ? x.behaviour : profile.behaviour;
}

/** Gateways ship at most this much prompt text (the usage.v1 limit); hashes still cover the whole prompt. */
const MAX_PROMPT_TEXT = 32_768;

/** Cuts to the limit without splitting a surrogate pair. */
export function gatewayTruncate(prompt: string): string {
  if (prompt.length <= MAX_PROMPT_TEXT) return prompt;
  const high = prompt.charCodeAt(MAX_PROMPT_TEXT - 1);
  return prompt.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_PROMPT_TEXT - 1 : MAX_PROMPT_TEXT);
}

/**
 * Adds prompt_sha256 always, and by prompt mode prompt_text and/or prompt_simhash (the gateway's 16-hex-char SimHash
 * of the whole prompt), to an event.
 */
export type PromptFields = (event: UsageEventInput, prompt: string) => void;

export function promptFieldsFor(settings: StreamSettings): PromptFields {
  const withText = settings.promptMode !== 'fingerprint';
  const withSimhash = settings.promptMode !== 'text';
  return (event, prompt) => {
    event.prompt_sha256 = createHash('sha256').update(prompt).digest('hex');
    if (withText) event.prompt_text = gatewayTruncate(prompt);
    if (withSimhash) event.prompt_simhash = fingerprintToHex(simhashText(prompt));
  };
}

/** One key's events in event-time order. */
export function* keyEvents(profile: SimulatedKeyProfile, settings: StreamSettings): Generator<TimedEvent> {
  const { truth } = profile;
  const rng = new Rng(`distillguard-sim:${settings.seed}/events/${truth.api_key_id}`);
  const idPrefix = `ev-${truth.api_key_id.slice(4, 16)}-`;
  const promptFields = promptFieldsFor(settings);
  let seq = 0;
  for (const ts of arrivals(profile, rng)) {
    const behaviour = behaviourAt(profile, rng, ts);
    const prompt = behaviour.prompts(rng);
    const event: UsageEventInput = {
      event_id: idPrefix + (seq++).toString(36),
      ts: profile.tsFormat === 'epoch' ? ts : new Date(ts).toISOString(),
      api_key_id: truth.api_key_id,
      org_id: truth.org_id,
      model: pickModel(rng, profile.models, ts),
      ...requestFields(rng, behaviour.request, prompt),
      ...profile.fixed,
      ...behaviour.network(rng),
    };
    promptFields(event, prompt);
    yield { ts, event };
  }
}
