import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import type { Rng } from '../random.ts';
import type { RequestShape } from './plan.ts';

const CHARS_PER_TOKEN = 4;

type Outcome = { status: number; output: number; stop: string };

function outcome(rng: Rng, shape: RequestShape, maxTokens: number): Outcome {
  if (rng.chance(shape.errorRate))
    return { status: rng.pick([429, 429, 429, 500, 400, 529]), output: 0, stop: 'error' };
  const wanted = Math.max(1, Math.round(rng.logNormal(shape.outMedian, shape.outSigma)));
  if (wanted >= maxTokens) return { status: 200, output: maxTokens, stop: 'max_tokens' };
  return { status: 200, output: wanted, stop: shape.tools && rng.chance(0.35) ? 'tool_use' : 'end_turn' };
}

/** Writes the request/response fields a gateway logs for one call into the event. */
export function fillRequest(
  event: UsageEventInput,
  rng: Rng,
  shape: RequestShape,
  prompt: string,
  userAgent: string,
): void {
  const maxTokens = rng.pick(shape.maxTokens);
  const { status, output, stop } = outcome(rng, shape, maxTokens);
  const n = rng.pick(shape.n);
  event.endpoint = shape.endpoint;
  event.status = status;
  event.input_tokens =
    Math.ceil(prompt.length / CHARS_PER_TOKEN) + rng.int(shape.contextTokens[0], shape.contextTokens[1]);
  event.output_tokens = output * n;
  event.max_tokens = maxTokens;
  event.stop_reason = stop;
  event.latency_ms = Math.round(rng.uniform(180, 1200) + output * n * rng.uniform(8, 30));
  event.stream = rng.chance(shape.streamShare);
  event.user_agent = userAgent;
  if (n > 1) event.n = n;
  if (shape.temperatures.length > 0) event.temperature = rng.pick(shape.temperatures);
  if (rng.chance(shape.logprobsShare)) {
    event.logprobs = true;
    event.top_logprobs = rng.pick([1, 5, 10]);
  }
  if (shape.tools) event.tool_count = rng.int(shape.tools[0], shape.tools[1]);
}

/** Client habits drawn alike for every key, benign or attack, so neither marks a class. */
export interface ClientHabits {
  /** The client leaves temperature to the provider default. */
  omitTemperature: boolean;
  /** Share of calls that fail (rate limits, timeouts, bad requests). */
  errorRate: number;
}

export function drawClientHabits(rng: Rng): ClientHabits {
  return { omitTemperature: rng.chance(0.3), errorRate: rng.uniform(0.005, 0.03) };
}

export function withHabits(shape: RequestShape, habits: ClientHabits): RequestShape {
  return { ...shape, temperatures: habits.omitTemperature ? [] : shape.temperatures, errorRate: habits.errorRate };
}
