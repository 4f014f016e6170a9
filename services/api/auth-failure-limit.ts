import { LRUCache } from 'lru-cache';

/** Most client IPs tracked at once; beyond it the least recently seen IP's count is forgotten. */
const TRACKED_IPS = 100_000;
const WINDOW_MS = 60_000;

interface IpWindow {
  startedAt: number;
  failures: number;
}

export interface AuthFailureLimit {
  /** Milliseconds until `ip` may try again, or 0 when it is under its budget of failed authentications. */
  retryAfterMs(ip: string): number;
  /** Counts one failed authentication (missing, malformed, unknown or revoked token) from `ip`. */
  recordFailure(ip: string): void;
}

/**
 * Failed authentications per client IP in fixed one-minute windows. Checked before a token is looked up, so an
 * IP that keeps presenting bad tokens is answered 429 without costing a token-store query.
 */
export function createAuthFailureLimit(options: { maxPerMin: number; now: () => number }): AuthFailureLimit {
  // A window ends when its age reaches WINDOW_MS; lru-cache keeps an entry while its age is ≤ ttl (whole ms).
  const windows = new LRUCache<string, IpWindow>({
    max: TRACKED_IPS,
    ttl: WINDOW_MS - 1,
    ttlResolution: 0,
    perf: { now: options.now },
  });
  return {
    retryAfterMs(ip) {
      const w = windows.get(ip);
      return w && w.failures >= options.maxPerMin ? w.startedAt + WINDOW_MS - options.now() : 0;
    },
    recordFailure(ip) {
      const w = windows.get(ip);
      if (w) w.failures += 1;
      else windows.set(ip, { startedAt: options.now(), failures: 1 });
    },
  };
}
