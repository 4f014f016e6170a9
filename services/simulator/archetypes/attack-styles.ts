import { type RequestStyle, USER_AGENTS } from '../request-style.ts';

/**
 * Long expert answers at sampling temperatures; variant 1 hides: shorter answers and few-shot examples in the
 * prompt keep the output/input ratio near a chat app's; variant 2 asks for several samples per prompt.
 */
export function distillationStyle(variant: number): RequestStyle {
  const hidden = variant === 1;
  return {
    endpoint: '/v1/messages',
    outputMedian: hidden ? 800 : 1400,
    outputSigma: 0.4,
    maxTokens: hidden ? [1024, 2048] : [2048, 4096],
    temperatures: [0.7, 1],
    n: variant === 2 ? [1, 2, 4] : [1],
    logprobsShare: variant === 0 ? 0.2 : 0,
    toolCount: null,
    streamShare: variant === 1 ? 0.8 : 0.1,
    userAgents: variant === 1 ? USER_AGENTS.pythonSdk : USER_AGENTS.script,
    errorRate: 0.02,
    contextTokens: hidden ? [600, 2500] : [20, 200],
  };
}

/** Reasoning traces are long: big max_tokens, often exhausted. */
export function cotStyle(variant: number): RequestStyle {
  return {
    ...distillationStyle(variant),
    outputMedian: 2500,
    outputSigma: 0.45,
    maxTokens: [4096, 8192],
    temperatures: variant === 2 ? [0.3, 0.6, 1] : [0.6],
    n: [1],
  };
}

export function sweepStyle(variant: number): RequestStyle {
  return { ...distillationStyle(variant), outputMedian: 1100, temperatures: [0.7], n: [1] };
}

/** Hydra members all use one client build: same user agent, same limits. */
export function hydraStyle(variant: number, userAgent: string): RequestStyle {
  return { ...cotStyle(variant), outputMedian: 1800, maxTokens: [4096], userAgents: [userAgent], streamShare: 0 };
}
