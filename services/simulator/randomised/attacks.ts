import type { NetworkPicker } from '../network.ts';
import type { Rng } from '../random.ts';
import { RESIDENTIAL_ASNS } from './attributes.ts';
import type { KeyContext } from './context.ts';
import { dailyCycle, flat, type Intensity, officeHours, windows, withHourlyNoise } from './intensity.ts';
import type { RequestShape } from './plan.ts';
import {
  capabilitySweep,
  expertQuestions,
  hydraContent,
  narrowDomain,
  reasoningHarvest,
} from './randomised-attack-prompts.ts';
import { humanChat } from './randomised-benign-prompts.ts';
import { type BuildEnv, logUniform, type Workload } from './segments.ts';
import type { AttackName } from './variants.ts';

/** One attack key's behaviour; `mixed` is extraction inside legitimate traffic, `leakShare` true-origin leaks. */
export interface AttackMember {
  workload: Workload;
  mixed: { prompt: Workload['prompt']; request: RequestShape; share: number } | null;
  leakShare: number;
}

export interface CampaignPlan {
  keys: number;
  /** Members share one system prompt (hydra networks run one harness). */
  sharedSystemPrompt: boolean;
  /** The campaign runs from the first 10% of the span on (low and slow). */
  early: boolean;
  /** The key already carries legitimate traffic before the campaign starts (resellers). */
  activeBefore: boolean;
  member: (rng: Rng, ctx: KeyContext) => AttackMember;
}

const harvestShape = (rng: Rng, env: BuildEnv, median: number, o: Partial<RequestShape> = {}): RequestShape => ({
  endpoint: '/v1/messages',
  outMedian: median * env.spec.outScale,
  outSigma: 0.5,
  maxTokens: [2048, 4096, 8192],
  temperatures: [0.7, 1],
  n: [1],
  logprobsShare: 0,
  tools: null,
  streamShare: rng.uniform(0, 1),
  contextTokens: [0, 400],
  errorRate: 0.02,
  ...o,
});

/** A pool of workers running in shifts: Poisson arrivals inside windows, never a metronome. */
function workerPool(rng: Rng, env: BuildEnv, label: string): Intensity {
  return withHourlyNoise(windows(rng, env.start, env.end, [3, 12], [0.3, 3]), label, env.spec.noise);
}

/** Logit distillation: in every variant but r1, half the campaigns ask for token logprobs as soft labels. */
function softLabels(rng: Rng, variant: BuildEnv['variant']): number {
  return variant !== 'r1' && rng.chance(0.5) ? rng.uniform(0.2, 0.8) : 0;
}

const solo = (member: CampaignPlan['member']): CampaignPlan => ({
  keys: 1,
  sharedSystemPrompt: false,
  early: false,
  activeBefore: false,
  member,
});

const none = { mixed: null, leakShare: 0 };

/** How many keys a campaign of this attack uses and how each behaves (tactics in README.md). */
export function campaignPlan(attack: AttackName, rng: Rng, env: BuildEnv, label: string): CampaignPlan {
  const v = env.variant;
  const s = env.spec;
  /** 1 to `maxKeys` keys of one worker pool sharing a total rate from [lo, hi]; members draw shifts, then `what`. */
  const pooled = (maxKeys: number, lo: number, hi: number, what: () => Pick<Workload, 'prompt' | 'request'>) => {
    const keys = rng.int(1, maxKeys);
    const total = logUniform(rng, lo, hi);
    const workload = () => ({ ratePerHour: total / keys, intensity: workerPool(rng, env, label), ...what() });
    return { ...solo(() => ({ ...none, workload: workload() })), keys };
  };
  switch (attack) {
    case 'bulk_distillation':
      return pooled(3, 400, 2000, () => ({
        prompt: expertQuestions(v, s.foreignShare, s.fewShotShare),
        request: harvestShape(rng, env, 700, { n: v === 'r2' ? [1, 1, 2] : [1], logprobsShare: softLabels(rng, v) }),
      }));
    case 'cot_harvesting':
      return pooled(2, 150, 900, () => ({
        prompt: reasoningHarvest(v, rng.uniform(0.7, 1)),
        request: harvestShape(rng, env, 1500),
      }));
    case 'capability_sweep':
      return solo(() => ({
        ...none,
        workload: {
          ratePerHour: logUniform(rng, 200, 800),
          intensity: withHourlyNoise(flat, label, s.noise / 2),
          prompt: capabilitySweep(rng, v),
          request: harvestShape(rng, env, 600),
        },
      }));
    case 'hydra_network': {
      const shared = workerPool(rng, env, label);
      const prompt = hydraContent(rng, v);
      return {
        keys: rng.int(s.hydraKeys[0], s.hydraKeys[1]),
        sharedSystemPrompt: true,
        early: false,
        activeBefore: false,
        member: (r) => ({
          ...none,
          workload: {
            ratePerHour: logUniform(r, 10, 60),
            intensity: shared,
            prompt,
            request: harvestShape(r, env, 900),
          },
        }),
      };
    }
    case 'low_and_slow':
      return {
        ...solo((r, ctx) => ({
          ...none,
          workload: {
            ratePerHour: logUniform(r, 5, 30),
            intensity: r.chance(0.5) ? officeHours(ctx.tz, 8, 19, 0.1) : dailyCycle(ctx.tz, 15, 0.2, 1),
            prompt: narrowDomain(r, v),
            request: harvestShape(r, env, 900),
          },
        })),
        early: true,
      };
    case 'reseller':
      return {
        ...solo((r, ctx) => ({
          workload: {
            ratePerHour: logUniform(r, 100, 700),
            intensity: dailyCycle(ctx.tz, 17, 0.15, 0.9),
            prompt: humanChat(env.humans, v),
            request: harvestShape(r, env, 400, {
              temperatures: [0.7, 1],
              contextTokens: [100, 3000],
              streamShare: 0.9,
            }),
          },
          mixed: {
            prompt: r.chance(0.5) ? expertQuestions(v, s.foreignShare, s.fewShotShare) : reasoningHarvest(v, 0.8),
            request: harvestShape(r, env, 900),
            share: r.uniform(s.resellerShare[0], s.resellerShare[1]),
          },
          leakShare: 0,
        })),
        activeBefore: true,
      };
    case 'region_evasion':
      return {
        ...solo(() => ({
          mixed: null,
          leakShare: rng.uniform(s.leakShare[0], s.leakShare[1]),
          workload: {
            ratePerHour: logUniform(rng, 80, 500),
            intensity: workerPool(rng, env, label),
            prompt: rng.chance(0.5) ? expertQuestions(v, s.foreignShare, s.fewShotShare) : reasoningHarvest(v, 0.6),
            request: harvestShape(rng, env, 800),
          },
        })),
        keys: rng.int(1, 2),
      };
  }
}

/** Behind a proxy, except for a rare request that escapes from the operator's real network in a restricted country. */
export function withLeaks(rng: Rng, picker: NetworkPicker, share: number): NetworkPicker {
  if (share <= 0) return picker;
  const country = rng.pick(['CN', 'RU', 'IR', 'BY'] as const);
  const asns = RESIDENTIAL_ASNS[country]!;
  const home = rng.int(0, 64_999);
  return (r) => {
    if (!r.chance(share)) return picker(r);
    const asn = r.pick(asns);
    return {
      client_ip: `${(asn % 200) + 24}.${(asn >>> 3) % 256}.${home >>> 8}.${((home & 255) % 250) + 1}`,
      client_asn: asn,
      client_country: country,
    };
  };
}
