import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import type { NetworkPicker } from './network.ts';
import type { PromptMaker } from './prompts/benign-prompts.ts';
import type { Rng } from './random.ts';
import type { RequestStyle } from './request-style.ts';
import type { Schedule } from './schedule.ts';
import type { KeyTruth } from './truth.ts';

export const MODELS = { old: ['atlas-3', 'atlas-3-mini'], next: 'atlas-4' } as const;

/** How one client behaves: what it sends, how, and from where. */
export interface Behaviour {
  prompts: PromptMaker;
  request: RequestStyle;
  network: NetworkPicker;
}

/** When a key moves to the newly released model: benign keys ramp over days, attackers pivot within hours. */
export interface ModelPolicy {
  oldModelWeights: readonly (readonly [string, number])[];
  adoptAt: number;
  rampMs: number;
  maxShare: number;
}

/** Everything the generator needs to produce one key's event stream. */
export interface SimulatedKeyProfile {
  truth: KeyTruth;
  activeFrom: number;
  activeUntil: number;
  /** Mean requests per hour at schedule intensity 1. */
  ratePerHour: number;
  schedule: Schedule;
  /** Scripted clients send on a near-fixed period; people and apps arrive as a Poisson process. */
  arrival: { kind: 'poisson' } | { kind: 'regular'; jitter: number };
  behaviour: Behaviour;
  /** Extraction mixed into a legitimate key (resellers) from `campaignStart` on. */
  extraction: { behaviour: Behaviour; share: number; from: number } | null;
  models: ModelPolicy;
  fixed: Pick<UsageEventInput, 'account_id' | 'billing_country' | 'key_created_at' | 'system_prompt_sha256'>;
  /** The gateway in front of this key writes `ts` as RFC 3339 or as epoch milliseconds. */
  tsFormat: 'rfc3339' | 'epoch';
}

export function pickModel(rng: Rng, policy: ModelPolicy, ts: number): string {
  if (ts >= policy.adoptAt) {
    const share = Math.min(policy.maxShare, policy.rampMs <= 0 ? 1 : (ts - policy.adoptAt) / policy.rampMs);
    if (rng.chance(share)) return MODELS.next;
  }
  return rng.weighted(policy.oldModelWeights);
}
