import type { Behaviour, ModelPolicy, SimulatedKeyProfile } from '../profile.ts';
import { withOwnUserAgents } from '../request-style.ts';
import { HOUR_MS, type Schedule } from '../schedule.ts';
import type { Archetype } from '../truth.ts';
import {
  type BuildContext,
  iso,
  keyTruth,
  newAccountId,
  newKeyId,
  newOrgId,
  pivotModels,
  randomSystemPromptHash,
} from './build-context.ts';

export interface AttackSpec {
  archetype: Archetype;
  campaignStart: number;
  /** When the key starts sending (resellers send legitimate traffic before the campaign). */
  activeFrom?: number;
  ratePerHour: number;
  schedule: Schedule;
  arrival: SimulatedKeyProfile['arrival'];
  behaviour: Behaviour;
  extraction?: SimulatedKeyProfile['extraction'];
  billingCountry: string;
  keyCreatedAt: number;
  models?: ModelPolicy;
  orgId?: string;
  /** Shared by the members of one network; otherwise each key has its own. */
  systemPromptHash?: string;
}

/** When a campaign begins: early enough in the span that time-to-detect can be measured. */
export function campaignStartTime(ctx: BuildContext, fromShare = 0.1, toShare = 0.5): number {
  const span = ctx.end - ctx.start;
  return Math.floor(ctx.start + span * ctx.rng.uniform(fromShare, toShare));
}

/** The pivot delay to a newly released model: within a day. */
export function pivotDelay(ctx: BuildContext): number {
  return ctx.rng.uniform(1, 18) * HOUR_MS;
}

export function attackKey(ctx: BuildContext, spec: AttackSpec): SimulatedKeyProfile {
  const { rng } = ctx;
  const ids = { api_key_id: newKeyId(rng), org_id: spec.orgId ?? newOrgId(rng) };
  const from = spec.activeFrom ?? spec.campaignStart;
  return {
    truth: keyTruth(ctx, ids, spec.archetype, { from, until: ctx.end, campaignStart: spec.campaignStart }),
    activeFrom: from,
    activeUntil: ctx.end,
    ratePerHour: spec.ratePerHour,
    schedule: spec.schedule,
    arrival: spec.arrival,
    behaviour: { ...spec.behaviour, request: withOwnUserAgents(rng, spec.behaviour.request, 1) },
    extraction: spec.extraction ?? null,
    models: spec.models ?? pivotModels(ctx.releaseAt, pivotDelay(ctx)),
    fixed: {
      account_id: newAccountId(rng),
      billing_country: spec.billingCountry,
      key_created_at: iso(Math.floor(spec.keyCreatedAt)),
      system_prompt_sha256: spec.systemPromptHash ?? randomSystemPromptHash(rng),
    },
    tsFormat: rng.chance(0.5) ? 'rfc3339' : 'epoch',
  };
}
