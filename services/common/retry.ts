import { isRetriable } from './errors.ts';

export interface RetryOptions {
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Decides whether an error is worth another attempt; defaults to the error's `retriable` flag. */
  retriable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

const DEFAULTS: RetryOptions = { retries: 8, initialDelayMs: 200, maxDelayMs: 15_000 };

/** Exponential backoff with full jitter (kafkajs-style); gives up at once on non-retriable errors. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const o = { ...DEFAULTS, ...options };
  const retriable = o.retriable ?? isRetriable;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= o.retries || !retriable(error) || o.signal?.aborted) throw error;
      const ceiling = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** attempt);
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      o.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, o.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
