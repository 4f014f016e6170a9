import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import type { SystemRecorder } from '../system-recorder.ts';

/** Static per-key limits of the kind gateways enforce today (requests and tokens per minute). */
export interface RateLimits {
  requestsPerMinute: number;
  inputTokensPerMinute: number;
  outputTokensPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  requestsPerMinute: 60,
  inputTokensPerMinute: 200_000,
  outputTokensPerMinute: 40_000,
};

interface Window {
  times: number[];
  input: number[];
  output: number[];
  head: number;
  inputSum: number;
  outputSum: number;
  lastFlagMinute: number;
}

const WINDOW_MS = 60_000;

function evict(w: Window, now: number): void {
  while (w.head < w.times.length && w.times[w.head]! <= now - WINDOW_MS) {
    w.inputSum -= w.input[w.head]!;
    w.outputSum -= w.output[w.head]!;
    w.head++;
  }
  if (w.head > 1024) {
    w.times = w.times.slice(w.head);
    w.input = w.input.slice(w.head);
    w.output = w.output.slice(w.head);
    w.head = 0;
  }
}

/**
 * Baseline 1: a sliding one-minute window per key; the key's score is its worst usage/limit ratio and it is
 * flagged (at most once a minute) whenever any limit is exceeded.
 */
export class RateLimitBaseline {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly recorder: SystemRecorder,
    readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
  ) {}

  observe(event: UsageEvent): void {
    let w = this.windows.get(event.api_key_id);
    if (!w) {
      w = { times: [], input: [], output: [], head: 0, inputSum: 0, outputSum: 0, lastFlagMinute: -1 };
      this.windows.set(event.api_key_id, w);
    }
    w.times.push(event.ts);
    w.input.push(event.input_tokens);
    w.output.push(event.output_tokens);
    w.inputSum += event.input_tokens;
    w.outputSum += event.output_tokens;
    evict(w, event.ts);
    const ratio = Math.max(
      (w.times.length - w.head) / this.limits.requestsPerMinute,
      w.inputSum / this.limits.inputTokensPerMinute,
      w.outputSum / this.limits.outputTokensPerMinute,
    );
    this.recorder.score(event.api_key_id, event.ts, ratio);
    const minute = Math.floor(event.ts / WINDOW_MS);
    if (ratio > 1 && minute !== w.lastFlagMinute) {
      w.lastFlagMinute = minute;
      this.recorder.flag(event.api_key_id, event.ts, ratio);
    }
  }
}
