/** Most tokens tracked at once (callers are authenticated, so this bounds memory, not who is limited). */
const TRACKED_TOKENS = 10_000;

interface TokenWindow {
  startedAt: number;
  count: number;
}

/** One request counted against a token's budget: what the response headers say, and whether it is refused. */
export interface RateDecision {
  exceeded: boolean;
  /** Requests left in the window (0 once exceeded). */
  remaining: number;
  /** Whole seconds until the window ends (rounded up). */
  resetS: number;
}

export interface TokenRateLimit {
  /** Counts one request of `key` against `max` per window; synchronous, no promise. */
  take(key: string, max: number): RateDecision;
}

/**
 * Requests per key (a token id) in fixed windows that start at the key's first request and last `windowMs`, the
 * semantics of @fastify/rate-limit's local store it replaces: every request counts, refused ones too, and a window
 * ends `windowMs` after it started whatever happened in it. Past TRACKED_TOKENS keys, ended windows are dropped, then
 * the oldest.
 */
export function createTokenRateLimit(options: { windowMs: number; now: () => number }): TokenRateLimit {
  const { windowMs, now } = options;
  const windows = new Map<string, TokenWindow>();
  const makeRoom = (at: number) => {
    for (const [key, w] of windows) if (w.startedAt + windowMs <= at) windows.delete(key);
    if (windows.size >= TRACKED_TOKENS) windows.delete(windows.keys().next().value as string);
  };
  return {
    take(key, max) {
      const at = now();
      let w = windows.get(key);
      if (w === undefined) {
        if (windows.size >= TRACKED_TOKENS) makeRoom(at);
        w = { startedAt: at, count: 0 };
        windows.set(key, w);
      } else if (w.startedAt + windowMs <= at) {
        w.startedAt = at;
        w.count = 0;
      }
      w.count += 1;
      return {
        exceeded: w.count > max,
        remaining: Math.max(0, max - w.count),
        resetS: Math.ceil((w.startedAt + windowMs - at) / 1_000),
      };
    },
  };
}
