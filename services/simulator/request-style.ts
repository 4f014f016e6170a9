import type { UsageEventInput } from '../../schemas/usage-v1.ts';
import type { Rng } from './random.ts';

/** How a client shapes its requests; drawn per event so one key's requests vary the way real clients do. */
export interface RequestStyle {
  endpoint: string;
  outputMedian: number;
  outputSigma: number;
  maxTokens: readonly number[];
  /** Temperatures the client uses; empty means the field is omitted (provider default). */
  temperatures: readonly number[];
  n: readonly number[];
  logprobsShare: number;
  toolCount: readonly [number, number] | null;
  streamShare: number;
  userAgents: readonly string[];
  errorRate: number;
  /** Input tokens beyond the visible prompt: system prompt, conversation history, attached files. */
  contextTokens: readonly [number, number];
}

export type RequestFields = Pick<
  UsageEventInput,
  | 'endpoint'
  | 'status'
  | 'input_tokens'
  | 'output_tokens'
  | 'max_tokens'
  | 'stop_reason'
  | 'latency_ms'
  | 'n'
  | 'temperature'
  | 'logprobs'
  | 'top_logprobs'
  | 'stream'
  | 'tool_count'
  | 'user_agent'
>;

const CHARS_PER_TOKEN = 4;

function outcome(rng: Rng, style: RequestStyle, maxTokens: number): { status: number; output: number; stop: string } {
  if (rng.chance(style.errorRate))
    return {
      status: rng.weighted([
        [429, 5],
        [500, 1],
        [400, 2],
      ]),
      output: 0,
      stop: 'error',
    };
  const wanted = Math.max(1, Math.round(rng.logNormal(style.outputMedian, style.outputSigma)));
  if (wanted >= maxTokens) return { status: 200, output: maxTokens, stop: 'max_tokens' };
  const tool = style.toolCount !== null && rng.chance(0.3);
  return { status: 200, output: wanted, stop: tool ? 'tool_use' : 'end_turn' };
}

/** Builds the request/response fields of one event from the style and the prompt that was sent. */
export function requestFields(rng: Rng, style: RequestStyle, prompt: string): RequestFields {
  const maxTokens = rng.pick(style.maxTokens);
  const { status, output, stop } = outcome(rng, style, maxTokens);
  const n = rng.pick(style.n);
  const stream = rng.chance(style.streamShare);
  const fields: RequestFields = {
    endpoint: style.endpoint,
    status,
    input_tokens: Math.ceil(prompt.length / CHARS_PER_TOKEN) + rng.int(style.contextTokens[0], style.contextTokens[1]),
    output_tokens: output * n,
    max_tokens: maxTokens,
    stop_reason: stop,
    latency_ms: Math.round(rng.uniform(150, 900) + output * rng.uniform(12, 35)),
    stream,
    user_agent: rng.pick(style.userAgents),
  };
  if (n > 1) fields.n = n;
  if (style.temperatures.length > 0) fields.temperature = rng.pick(style.temperatures);
  if (rng.chance(style.logprobsShare)) {
    fields.logprobs = true;
    fields.top_logprobs = 5;
  }
  if (style.toolCount) fields.tool_count = rng.int(style.toolCount[0], style.toolCount[1]);
  return fields;
}

/** One client build per key: scripts and company backends send one or two user agents, not a browser mix. */
export function withOwnUserAgents(rng: Rng, style: RequestStyle, count: number): RequestStyle {
  return { ...style, userAgents: rng.shuffle(style.userAgents).slice(0, count) };
}

export const USER_AGENTS = {
  browser: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  ],
  pythonSdk: ['anthropic-python/0.49.0', 'openai-python/1.68.2', 'python-httpx/0.28.1'],
  nodeSdk: ['anthropic-typescript/0.39.0', 'openai-node/4.87.3', 'node-fetch/3.3.2'],
  agent: ['claude-code/1.0.31', 'aider/0.82.0', 'cursor-agent/0.48'],
  script: ['python-requests/2.32.3', 'aiohttp/3.11.11', 'curl/8.11.1', 'Go-http-client/2.0'],
  router: ['llm-router/2.4 (+https://router.example)', 'OpenAI-compatible-proxy/1.9'],
} as const;
