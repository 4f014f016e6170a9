import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import type { PromptFields, StreamSettings, TimedEvent } from '../key-stream.ts';
import { Rng } from '../random.ts';
import type { Intensity } from './intensity.ts';
import type { Behaviour, KeyPlan, ModelPlan } from './plan.ts';
import { NEW_MODEL } from './randomised-population.ts';
import { fillRequest } from './request.ts';

export interface EventSettings extends StreamSettings {
  variant: string;
}

/** One stretch of a key's traffic: a rate and intensity over [from, until). */
interface Phase {
  ratePerHour: number;
  intensity: Intensity;
  from: number;
  until: number;
  /** Fixed behaviour for the phase; null: the key's own (with any mixed-in extraction). */
  behaviour: Behaviour | null;
}

/** Poisson arrivals thinned by the intensity against its local bound: bursty and irregular, never metronomic. */
function* arrivals(phase: Phase, rng: Rng): Generator<number> {
  const perMsAtOne = phase.ratePerHour / 3_600_000;
  if (!(perMsAtOne > 0)) return;
  let t = phase.from;
  while (t < phase.until) {
    const [peak, boundUntil] = phase.intensity.bound(t);
    const end = Math.min(boundUntil, phase.until);
    // Poisson arrivals are memoryless, so restarting at each bound's end keeps the process exact.
    const next = peak > 0 ? t + rng.exponential(1 / (perMsAtOne * peak)) : end;
    if (next >= end) {
      t = end;
      continue;
    }
    t = next;
    if (rng.next() * peak < phase.intensity.at(t)) yield Math.floor(t);
  }
}

function phasesOf(plan: KeyPlan): Phase[] {
  const main: Phase = { ...plan, from: plan.activeFrom, until: plan.activeUntil, behaviour: null };
  if (!plan.cover) return [main];
  const { cover } = plan;
  return [
    { ...cover, from: plan.activeFrom, until: cover.until },
    { ...main, from: cover.until },
  ];
}

function modelAt(rng: Rng, m: ModelPlan, ts: number): string {
  if (ts >= m.adoptAt && rng.chance(Math.min(m.maxShare, (ts - m.adoptAt) / m.rampMs))) return NEW_MODEL;
  return rng.chance(m.miniShare) ? 'atlas-3-mini' : 'atlas-3';
}

function behaviourAt(plan: KeyPlan, rng: Rng, ts: number): Behaviour {
  const mixed = plan.mixed;
  return mixed && ts >= mixed.from && rng.chance(mixed.share) ? mixed.behaviour : plan.behaviour;
}

/** One key's events in event-time order. */
export function* keyEvents(plan: KeyPlan, settings: EventSettings, promptFields: PromptFields): Generator<TimedEvent> {
  const { truth } = plan;
  const rng = new Rng(`distillguard-randomised:${settings.seed}:${settings.variant}/events/${truth.api_key_id}`);
  let seq = 0;
  for (const phase of phasesOf(plan)) yield* phaseEvents(plan, phase, rng, promptFields, () => seq++);
}

function* phaseEvents(
  plan: KeyPlan,
  phase: Phase,
  rng: Rng,
  promptFields: PromptFields,
  nextSeq: () => number,
): Generator<TimedEvent> {
  const { truth } = plan;
  const idPrefix = `rv-${truth.api_key_id.slice(4, 16)}-`;
  const singleAgent = plan.userAgents.length === 1 ? plan.userAgents[0]! : null;
  for (const ts of arrivals(phase, rng)) {
    const behaviour = phase.behaviour ?? behaviourAt(plan, rng, ts);
    const prompt = behaviour.prompt(rng);
    const event: UsageEventInput = {
      event_id: idPrefix + nextSeq().toString(36),
      ts: plan.tsFormat === 'epoch' ? ts : new Date(ts).toISOString(),
      api_key_id: truth.api_key_id,
      org_id: truth.org_id,
      model: modelAt(rng, plan.models, ts),
      input_tokens: 0,
      output_tokens: 0,
    };
    fillRequest(event, rng, behaviour.request, prompt, singleAgent ?? rng.pick(plan.userAgents));
    Object.assign(event, plan.fixed, behaviour.network(rng));
    promptFields(event, prompt);
    yield { ts, event };
  }
}
