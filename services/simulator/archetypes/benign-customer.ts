import type { Behaviour, SimulatedKeyProfile } from '../profile.ts';
import { withOwnUserAgents } from '../request-style.ts';
import { DAY_MS, type Schedule } from '../schedule.ts';
import type { Archetype } from '../truth.ts';
import {
  type BuildContext,
  benignModels,
  billingCountryFor,
  homeTimezone,
  iso,
  keyTruth,
  newAccountId,
  newKeyId,
  newOrgId,
  randomSystemPromptHash,
} from './build-context.ts';

export interface CustomerBasics {
  tz: number;
  billingCountry: string;
}

export interface CustomerSpec {
  ratePerHour: number;
  schedule: Schedule;
  arrival?: SimulatedKeyProfile['arrival'];
  behaviour: Behaviour;
  eagerModels: boolean;
  /** Age of the key at simulation start; default months old. */
  keyAgeMs?: number | undefined;
}

const ROTATION_CHANCE = 0.08;
/** New customers ramp up on keys created days ago, as fresh attack keys do. */
const NEW_CUSTOMER_CHANCE = 0.12;

function ownClient(ctx: BuildContext, behaviour: Behaviour): Behaviour {
  return { ...behaviour, request: withOwnUserAgents(ctx.rng, behaviour.request, ctx.rng.int(1, 2)) };
}

/** A benign customer's key, rotated mid-simulation with a small chance (old key stops, a new one continues). */
export function benignCustomer(
  ctx: BuildContext,
  archetype: Archetype,
  describe: (basics: CustomerBasics) => CustomerSpec,
): SimulatedKeyProfile[] {
  const { rng } = ctx;
  const tz = homeTimezone(rng);
  const basics = { tz, billingCountry: billingCountryFor(rng, tz) };
  const spec = describe(basics);
  const ids = { api_key_id: newKeyId(rng), org_id: newOrgId(rng) };
  const keyAgeMs =
    spec.keyAgeMs ?? (rng.chance(NEW_CUSTOMER_CHANCE) ? rng.uniform(0, 3) : rng.uniform(20, 400)) * DAY_MS;
  const profile: SimulatedKeyProfile = {
    truth: keyTruth(ctx, ids, archetype, { from: ctx.start, until: ctx.end, campaignStart: null }),
    activeFrom: ctx.start,
    activeUntil: ctx.end,
    ratePerHour: spec.ratePerHour,
    schedule: spec.schedule,
    arrival: spec.arrival ?? { kind: 'poisson' },
    behaviour: archetype === 'consumer_chat' ? spec.behaviour : ownClient(ctx, spec.behaviour),
    extraction: null,
    models: benignModels(rng, ctx.releaseAt, spec.eagerModels),
    fixed: {
      account_id: newAccountId(rng),
      billing_country: basics.billingCountry,
      key_created_at: iso(Math.floor(ctx.start - keyAgeMs)),
      system_prompt_sha256: randomSystemPromptHash(rng),
    },
    tsFormat: rng.chance(0.5) ? 'rfc3339' : 'epoch',
  };
  return rng.chance(ROTATION_CHANCE) ? rotate(ctx, profile) : [profile];
}

/** Splits a key at a random time into the old key and its replacement in the same org. */
function rotate(ctx: BuildContext, old: SimulatedKeyProfile): SimulatedKeyProfile[] {
  const at = Math.floor(ctx.rng.uniform(ctx.start + (ctx.end - ctx.start) * 0.2, ctx.end));
  const ids = { api_key_id: newKeyId(ctx.rng), org_id: old.truth.org_id };
  const span = { from: at, until: ctx.end, campaignStart: null, rotatedFrom: old.truth.api_key_id };
  const replacement: SimulatedKeyProfile = {
    ...old,
    truth: keyTruth(ctx, ids, old.truth.archetype, span),
    activeFrom: at,
    fixed: { ...old.fixed, key_created_at: iso(at) },
  };
  const retired: SimulatedKeyProfile = { ...old, activeUntil: at, truth: { ...old.truth, active_until: iso(at) } };
  return [retired, replacement];
}
