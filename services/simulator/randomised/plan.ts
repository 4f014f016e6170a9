import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import type { NetworkPicker } from '../network.ts';
import type { Rng } from '../random.ts';
import type { KeyTruth } from '../truth.ts';
import type { KeyContext } from './context.ts';
import type { Intensity } from './intensity.ts';

/** Produces the next prompt text of a key (may keep state, e.g. a sweep position). */
export type PromptSource = (rng: Rng) => string;

/** How a client shapes its requests. */
export interface RequestShape {
  endpoint: string;
  outMedian: number;
  outSigma: number;
  maxTokens: readonly number[];
  /** Empty: the field is omitted (provider default). */
  temperatures: readonly number[];
  n: readonly number[];
  logprobsShare: number;
  tools: readonly [number, number] | null;
  streamShare: number;
  /** Input tokens beyond the visible prompt: system prompt, history, documents, few-shot examples. */
  contextTokens: readonly [number, number];
  errorRate: number;
}

export interface Behaviour {
  prompt: PromptSource;
  request: RequestShape;
  network: NetworkPicker;
}

/** Models: the old pair, and the one released mid-span that a key may move to from `adoptAt`. */
export interface ModelPlan {
  miniShare: number;
  adoptAt: number;
  rampMs: number;
  maxShare: number;
}

/** Everything needed to generate one key's events. */
export interface KeyPlan {
  truth: KeyTruth;
  /** The key's non-behavioural attributes, kept for tests that compare benign and attack draws. */
  context: KeyContext;
  activeFrom: number;
  activeUntil: number;
  /** Mean requests per hour at intensity 1. */
  ratePerHour: number;
  intensity: Intensity;
  behaviour: Behaviour;
  /** Ordinary traffic an aged or bought attack key sends before its campaign starts at `until`. */
  cover: { behaviour: Behaviour; ratePerHour: number; intensity: Intensity; until: number } | null;
  /** Extraction mixed into a key's legitimate traffic (resellers) from `from` on. */
  mixed: { behaviour: Behaviour; share: number; from: number } | null;
  models: ModelPlan;
  userAgents: readonly string[];
  fixed: Pick<UsageEventInput, 'account_id' | 'billing_country' | 'key_created_at' | 'system_prompt_sha256'>;
  tsFormat: 'rfc3339' | 'epoch';
}
