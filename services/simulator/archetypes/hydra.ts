import { asnsOf, proxyRotation, SERVED_COUNTRIES, serverPool } from '../network.ts';
import type { SimulatedKeyProfile } from '../profile.ts';
import { hydraPrompts, hydraTemplates } from '../prompts/attack-prompts.ts';
import { USER_AGENTS } from '../request-style.ts';
import { diurnal, dutyCycle, HOUR_MS, product } from '../schedule.ts';
import { attackKey, campaignStartTime, pivotDelay } from './attack-key.ts';
import { hydraStyle } from './attack-styles.ts';
import { type BuildContext, newOrgId, pivotModels, randomSystemPromptHash } from './build-context.ts';

/** What every member of one network shares: the operator's templates, client, infrastructure and clock. */
function sharedPlan(ctx: BuildContext) {
  const { rng } = ctx;
  const hosting = [...asnsOf('datacenter'), ...asnsOf('proxy')].map((a) => a.asn);
  const orgCount = ctx.variant === 2 ? ctx.networkMembers : Math.max(2, Math.ceil(ctx.networkMembers / 4));
  return {
    start: campaignStartTime(ctx),
    ...hydraTemplates(rng, ctx.variant),
    systemPromptHash: randomSystemPromptHash(rng),
    userAgent: rng.pick(USER_AGENTS.script),
    asns: rng.shuffle(hosting).slice(0, ctx.variant === 2 ? 5 : 2),
    orgs: Array.from({ length: orgCount }, () => newOrgId(rng)),
    phase: rng.uniform(0, HOUR_MS),
    pivot: pivotDelay(ctx),
    tz: rng.pick([-5, 1, 8]),
  };
}

/**
 * A hydra network (Anthropic, Feb 2026): many keys across orgs, each under per-key limits, sharing narrow
 * templates, system prompt, infrastructure and a synchronised on/off schedule; pivots to a new model together.
 */
export function hydraNetwork(ctx: BuildContext): SimulatedKeyProfile[] {
  const plan = sharedPlan(ctx);
  const { rng } = ctx;
  const stagger = ctx.variant === 1 ? 2 * HOUR_MS : 15 * 60_000;
  const cycle = dutyCycle(60, 0.75, plan.phase);
  return Array.from({ length: ctx.networkMembers }, (_, i) => {
    const start = Math.floor(plan.start + rng.uniform(0, stagger));
    return attackKey(ctx, {
      archetype: 'hydra_network',
      campaignStart: start,
      orgId: plan.orgs[i % plan.orgs.length]!,
      ratePerHour: rng.logNormal(40, 0.2),
      schedule: ctx.variant === 1 ? product(cycle, diurnal(plan.tz, 14, 0.3)) : cycle,
      arrival: ctx.variant === 2 ? { kind: 'poisson' } : { kind: 'regular', jitter: 0.25 },
      behaviour: {
        prompts: hydraPrompts(plan.templates, plan.focus, ctx.variant),
        request: hydraStyle(ctx.variant, plan.userAgent),
        network: ctx.variant === 2 ? proxyRotation(plan.asns, 0, []) : serverPool(rng, plan.asns, 2),
      },
      billingCountry: rng.pick(SERVED_COUNTRIES),
      keyCreatedAt: start - rng.uniform(1, 48) * HOUR_MS,
      models: pivotModels(ctx.releaseAt, plan.pivot + rng.uniform(0, 0.5) * HOUR_MS),
      systemPromptHash: plan.systemPromptHash,
    });
  });
}
