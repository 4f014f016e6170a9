import { type RequestStyle, USER_AGENTS } from '../request-style.ts';

/** Chat apps: mostly short answers, with a heavy tail of essays and stories written on request. */
export const CHAT_STYLE: RequestStyle = {
  endpoint: '/v1/messages',
  outputMedian: 400,
  outputSigma: 0.95,
  maxTokens: [1024, 2048, 4096, 8192],
  temperatures: [0.7, 1],
  n: [1],
  logprobsShare: 0,
  toolCount: null,
  streamShare: 0.95,
  userAgents: [...USER_AGENTS.browser, ...USER_AGENTS.nodeSdk],
  errorRate: 0.01,
  contextTokens: [100, 3000],
};

export const CODING_STYLE: RequestStyle = {
  endpoint: '/v1/messages',
  outputMedian: 900,
  outputSigma: 0.7,
  maxTokens: [8192, 16000],
  temperatures: [],
  n: [1],
  logprobsShare: 0,
  toolCount: [3, 25],
  streamShare: 0.9,
  userAgents: USER_AGENTS.agent,
  errorRate: 0.015,
  contextTokens: [2000, 40000],
};

/** Document extraction and labelling jobs: short structured outputs, temperature 0, no streaming. */
export const EXTRACTION_JOB_STYLE: RequestStyle = {
  endpoint: '/v1/messages',
  outputMedian: 120,
  outputSigma: 0.3,
  maxTokens: [512],
  temperatures: [0],
  n: [1],
  logprobsShare: 0,
  toolCount: null,
  streamShare: 0,
  userAgents: USER_AGENTS.pythonSdk.slice(0, 1),
  errorRate: 0.005,
  contextTokens: [150, 400],
};

/** Eval harness variants: multiple choice with logprobs, generative grading, temperature/n sweeps. */
export const EVAL_STYLES: readonly RequestStyle[] = [
  { ...EXTRACTION_JOB_STYLE, outputMedian: 2, outputSigma: 0.3, maxTokens: [1, 5], logprobsShare: 0.6 },
  { ...EXTRACTION_JOB_STYLE, outputMedian: 300, outputSigma: 0.6, maxTokens: [1024] },
  {
    ...EXTRACTION_JOB_STYLE,
    outputMedian: 250,
    outputSigma: 0.6,
    maxTokens: [1024],
    temperatures: [0, 0.5, 1],
    n: [1, 5],
  },
];

/** Researchers ask short questions and want long, careful answers: output-heavy like extraction, legitimately. */
export const RESEARCH_STYLE: RequestStyle = {
  endpoint: '/v1/messages',
  outputMedian: 1100,
  outputSigma: 0.6,
  maxTokens: [2048, 4096],
  temperatures: [0, 0.3, 0.7, 1, 1.3],
  n: [1, 1, 1, 4],
  logprobsShare: 0.1,
  toolCount: null,
  streamShare: 0.3,
  userAgents: [...USER_AGENTS.pythonSdk, 'jupyter-notebook/7.3'],
  errorRate: 0.01,
  contextTokens: [50, 1500],
};

export const HOBBY_STYLE: RequestStyle = {
  ...CHAT_STYLE,
  outputMedian: 300,
  userAgents: [...USER_AGENTS.pythonSdk, ...USER_AGENTS.nodeSdk, 'curl/8.11.1'],
  contextTokens: [0, 800],
};
