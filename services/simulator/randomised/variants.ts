import type { ATTACK_ARCHETYPES, RANDOMISED_BENIGN_SEGMENTS } from '../truth.ts';
import type { VariantName } from './randomised-options.ts';

export type BenignSegment = (typeof RANDOMISED_BENIGN_SEGMENTS)[number];
export type HeavySegment = Exclude<BenignSegment, 'small_user'>;
export type AttackName = (typeof ATTACK_ARCHETYPES)[number];

/** What differs between variant families: mixes, rate and length regimes, attacker tactics, grammars (vocab.ts). */
export interface VariantSpec {
  /** Share of benign keys in heavy segments; the rest is the light tail of small users. */
  heavyShare: number;
  /** Relative number of heavy keys per segment. */
  mix: Readonly<Record<HeavySegment, number>>;
  rateScale: number;
  outScale: number;
  /** Hour-to-hour log-normal load noise. */
  noise: number;
  /** Campaigns per attack at attackScale 1. */
  campaigns: Readonly<Record<AttackName, number>>;
  hydraKeys: readonly [number, number];
  /** Campaign start as a fraction of the span. */
  campaignStart: readonly [number, number];
  fewShotShare: number;
  foreignShare: number;
  /** Share of a reseller's traffic that is extraction. */
  resellerShare: readonly [number, number];
  /** Share of region-evasion requests that leak the true origin. */
  leakShare: readonly [number, number];
}

export const VARIANT_SPECS: Readonly<Record<VariantName, VariantSpec>> = {
  r1: {
    heavyShare: 0.24,
    mix: {
      chat_app_cloud: 20,
      serverless_app: 8,
      enterprise_internal: 10,
      startup_new_key: 6,
      travelling_staff: 6,
      foreign_region_app: 6,
      document_generation: 6,
      eval_sweep: 5,
      synthetic_data: 6,
      tutoring_app: 8,
      coding_assistant: 12,
      translation_job: 5,
    },
    rateScale: 1,
    outScale: 1,
    noise: 0.3,
    campaigns: {
      bulk_distillation: 4,
      cot_harvesting: 4,
      capability_sweep: 3,
      hydra_network: 2,
      low_and_slow: 4,
      reseller: 3,
      region_evasion: 4,
    },
    hydraKeys: [20, 40],
    campaignStart: [0.1, 0.6],
    fewShotShare: 0.4,
    foreignShare: 0.2,
    resellerShare: [0.15, 0.4],
    leakShare: [0.005, 0.02],
  },
  r2: {
    heavyShare: 0.27,
    mix: {
      chat_app_cloud: 16,
      serverless_app: 10,
      enterprise_internal: 8,
      startup_new_key: 8,
      travelling_staff: 4,
      foreign_region_app: 8,
      document_generation: 9,
      eval_sweep: 8,
      synthetic_data: 10,
      tutoring_app: 6,
      coding_assistant: 10,
      translation_job: 4,
    },
    rateScale: 1.25,
    outScale: 0.85,
    noise: 0.45,
    campaigns: {
      bulk_distillation: 3,
      cot_harvesting: 5,
      capability_sweep: 2,
      hydra_network: 3,
      low_and_slow: 5,
      reseller: 3,
      region_evasion: 3,
    },
    hydraKeys: [25, 50],
    campaignStart: [0.15, 0.55],
    fewShotShare: 0.6,
    foreignShare: 0.3,
    resellerShare: [0.1, 0.3],
    leakShare: [0.003, 0.015],
  },
  r3: {
    heavyShare: 0.22,
    mix: {
      chat_app_cloud: 14,
      serverless_app: 6,
      enterprise_internal: 14,
      startup_new_key: 5,
      travelling_staff: 8,
      foreign_region_app: 7,
      document_generation: 5,
      eval_sweep: 4,
      synthetic_data: 7,
      tutoring_app: 12,
      coding_assistant: 9,
      translation_job: 9,
    },
    rateScale: 0.85,
    outScale: 1.35,
    noise: 0.6,
    campaigns: {
      bulk_distillation: 3,
      cot_harvesting: 4,
      capability_sweep: 3,
      hydra_network: 2,
      low_and_slow: 6,
      reseller: 4,
      region_evasion: 4,
    },
    hydraKeys: [40, 60],
    campaignStart: [0.05, 0.7],
    fewShotShare: 0.25,
    foreignShare: 0.4,
    resellerShare: [0.08, 0.25],
    leakShare: [0.003, 0.01],
  },
  r4: {
    heavyShare: 0.25,
    mix: {
      chat_app_cloud: 15,
      serverless_app: 11,
      enterprise_internal: 9,
      startup_new_key: 7,
      travelling_staff: 5,
      foreign_region_app: 6,
      document_generation: 7,
      eval_sweep: 6,
      synthetic_data: 9,
      tutoring_app: 7,
      coding_assistant: 14,
      translation_job: 6,
    },
    rateScale: 1.1,
    outScale: 1.15,
    noise: 0.5,
    campaigns: {
      bulk_distillation: 4,
      cot_harvesting: 3,
      capability_sweep: 2,
      hydra_network: 3,
      low_and_slow: 5,
      reseller: 3,
      region_evasion: 3,
    },
    hydraKeys: [30, 45],
    campaignStart: [0.2, 0.65],
    fewShotShare: 0.5,
    foreignShare: 0.35,
    resellerShare: [0.12, 0.35],
    leakShare: [0.004, 0.012],
  },
};
