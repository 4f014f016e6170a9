import { asnsOf, HOSTING_ASNS, proxyRotation, RESTRICTED_COUNTRIES, SERVED_COUNTRIES, serverPool } from '../network.ts';
import type { SimulatedKeyProfile } from '../profile.ts';
import {
  capabilitySweepPrompts,
  cotHarvestPrompts,
  distillationPrompts,
  lowAndSlowPrompts,
} from '../prompts/attack-prompts.ts';
import { chatPrompts } from '../prompts/benign-prompts.ts';
import { USER_AGENTS } from '../request-style.ts';
import { DAY_MS, diurnal, flat, HOUR_MS, product, stepUp, workHours } from '../schedule.ts';
import type { Archetype } from '../truth.ts';
import { attackKey, campaignStartTime } from './attack-key.ts';
import { cotStyle, distillationStyle, sweepStyle } from './attack-styles.ts';
import { CHAT_STYLE } from './benign-styles.ts';
import type { BuildContext } from './build-context.ts';
import { hydraNetwork } from './hydra.ts';

type AttackBuilder = (ctx: BuildContext) => SimulatedKeyProfile[];

const DATACENTER_ASNS = asnsOf('datacenter').map((a) => a.asn);
const PROXY_ASNS = asnsOf('proxy').map((a) => a.asn);
const RESTRICTED_ASNS = [4134, 4837, 9808, 12389, 58224];

/** A fresh key, created shortly before the campaign, billed to a served country. */
function freshKey(ctx: BuildContext, campaignStart: number) {
  return {
    billingCountry: ctx.rng.pick(SERVED_COUNTRIES),
    keyCreatedAt: campaignStart - ctx.rng.uniform(1, 96) * HOUR_MS,
  };
}

/** Bulk distillation: high sustained volume of broad expert questions from scripted workers. */
const bulkDistillation: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx);
  const hidden = ctx.variant === 1;
  return [
    attackKey(ctx, {
      archetype: 'bulk_distillation',
      campaignStart: start,
      ratePerHour: ctx.rng.logNormal(1500, 0.3) * [1, 0.6, 1.4][ctx.variant]!,
      schedule: hidden ? diurnal(ctx.rng.pick([-5, 1, 8]), 14, 0.4) : flat,
      arrival: { kind: 'poisson' },
      behaviour: {
        prompts: distillationPrompts(ctx.rng, ctx.variant),
        request: distillationStyle(ctx.variant),
        network: hidden ? proxyRotation(PROXY_ASNS, 0, []) : serverPool(ctx.rng, DATACENTER_ASNS, 8),
      },
      ...freshKey(ctx, start),
    }),
  ];
};

/** Chain-of-thought harvesting: reasoning problems with phrases coercing the full trace. */
const cotHarvesting: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx);
  return [
    attackKey(ctx, {
      archetype: 'cot_harvesting',
      campaignStart: start,
      ratePerHour: ctx.rng.logNormal(650, 0.3) * [1, 0.6, 1.3][ctx.variant]!,
      schedule: ctx.variant === 1 ? workHours(ctx.rng.pick([-8, 1, 8]), 8, 22, 0.3) : flat,
      arrival: { kind: 'poisson' },
      behaviour: {
        prompts: cotHarvestPrompts(ctx.rng, ctx.variant),
        request: cotStyle(ctx.variant),
        network: serverPool(ctx.rng, HOSTING_ASNS, 4),
      },
      ...freshKey(ctx, start),
    }),
  ];
};

/** Systematic capability sweep: a script walking domain × subtopic × difficulty at a steady pace. */
const capabilitySweep: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx);
  return [
    attackKey(ctx, {
      archetype: 'capability_sweep',
      campaignStart: start,
      ratePerHour: ctx.rng.logNormal(800, 0.3) * [1, 0.5, 1.3][ctx.variant]!,
      schedule: flat,
      arrival: { kind: 'regular', jitter: [0.2, 0.6, 0.4][ctx.variant]! },
      behaviour: {
        prompts: capabilitySweepPrompts(ctx.rng, ctx.variant),
        request: sweepStyle(ctx.variant),
        network: serverPool(ctx.rng, DATACENTER_ASNS, 2),
      },
      ...freshKey(ctx, start),
    }),
  ];
};

/** Low-and-slow: an established account extracting a narrow domain at human-like volume for weeks. */
const lowAndSlow: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx, 0, 0.1);
  const tz = ctx.rng.pick([-5, 1, 8]);
  return [
    attackKey(ctx, {
      archetype: 'low_and_slow',
      campaignStart: start,
      ratePerHour: ctx.rng.logNormal(25, 0.3) * [1, 0.6, 1.5][ctx.variant]!,
      schedule: ctx.variant === 1 ? flat : workHours(tz, 8, 20, 0.15),
      arrival: { kind: 'poisson' },
      behaviour: {
        prompts: lowAndSlowPrompts(ctx.rng, ctx.variant),
        request: cotStyle(ctx.variant),
        network: serverPool(ctx.rng, ctx.variant === 2 ? PROXY_ASNS : DATACENTER_ASNS, 1),
      },
      billingCountry: ctx.rng.pick(SERVED_COUNTRIES),
      keyCreatedAt: start - ctx.rng.uniform(60, 400) * DAY_MS,
    }),
  ];
};

/** Reseller/router: legitimate chat traffic of many end users, with an extraction customer mixed in later. */
const reseller: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx);
  const share = [0.3, 0.15, 0.5][ctx.variant]!;
  const network = serverPool(ctx.rng, DATACENTER_ASNS, 3);
  const request = { ...CHAT_STYLE, userAgents: USER_AGENTS.router, streamShare: 0.5 };
  const extraction = ctx.variant === 1 ? cotHarvestPrompts(ctx.rng, 1) : distillationPrompts(ctx.rng, ctx.variant);
  return [
    attackKey(ctx, {
      archetype: 'reseller',
      campaignStart: start,
      activeFrom: ctx.start,
      ratePerHour: ctx.rng.logNormal(500, 0.4),
      schedule: product(diurnal(ctx.rng.pick([-5, 1, 8]), 19, 0.2), stepUp(start, 1 / (1 - share))),
      arrival: { kind: 'poisson' },
      behaviour: {
        prompts: chatPrompts([
          ['en', 5],
          ['es', 1],
          ['fr', 1],
          ['de', 1],
        ]),
        request,
        network,
      },
      extraction: {
        behaviour: {
          prompts: extraction,
          request: { ...distillationStyle(1), userAgents: USER_AGENTS.router },
          network,
        },
        share,
        from: start,
      },
      billingCountry: ctx.rng.pick(SERVED_COUNTRIES),
      keyCreatedAt: ctx.start - ctx.rng.uniform(30, 300) * DAY_MS,
    }),
  ];
};

/** Access from a region where the service is not offered, through proxies, with occasional leaks of the origin. */
const regionEvasion: AttackBuilder = (ctx) => {
  const start = campaignStartTime(ctx);
  const origin = ctx.rng.pick(RESTRICTED_COUNTRIES.slice(0, 2));
  return [
    attackKey(ctx, {
      archetype: 'region_evasion',
      campaignStart: start,
      ratePerHour: ctx.rng.logNormal(450, 0.4) * [1, 0.5, 1.2][ctx.variant]!,
      schedule: workHours(origin === 'CN' ? 8 : 3, 9, 23, 0.25),
      arrival: { kind: 'poisson' },
      behaviour: {
        prompts: ctx.variant === 1 ? cotHarvestPrompts(ctx.rng, 0) : distillationPrompts(ctx.rng, ctx.variant),
        request: ctx.variant === 1 ? cotStyle(0) : distillationStyle(ctx.variant),
        network: proxyRotation(PROXY_ASNS, [0.03, 0.01, 0.005][ctx.variant]!, RESTRICTED_ASNS),
      },
      ...freshKey(ctx, start),
    }),
  ];
};

export const ATTACK_BUILDERS: Partial<Record<Archetype, AttackBuilder>> = {
  bulk_distillation: bulkDistillation,
  cot_harvesting: cotHarvesting,
  capability_sweep: capabilitySweep,
  hydra_network: hydraNetwork,
  low_and_slow: lowAndSlow,
  reseller,
  region_evasion: regionEvasion,
};
