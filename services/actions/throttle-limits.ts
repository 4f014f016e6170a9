import type { LimitRecommendation } from './action-schema.ts';

/** How an automatic throttle is derived from the key's own usage (services/actions/README.md, "Limits that bite"). */
export interface ThrottleOptions {
  /** Throttle = this fraction of the key's median requests/tokens per active minute. */
  fraction: number;
  floorRpm: number;
  floorTpm: number;
  /** Event-time span before the alert whose usage is the baseline. */
  baselineMs: number;
}

export interface Limits {
  rpm: number | null;
  tpm: number | null;
}

/** fraction × median, rounded down, never below the floor: well under what the key does now, so it bites. */
export function throttleFromMedians(
  medianRpm: number,
  medianTpm: number,
  o: Pick<ThrottleOptions, 'fraction' | 'floorRpm' | 'floorTpm'>,
): { rpm: number; tpm: number } {
  return {
    rpm: Math.max(o.floorRpm, Math.floor(medianRpm * o.fraction)),
    tpm: Math.max(o.floorTpm, Math.floor(medianTpm * o.fraction)),
  };
}

const lower = (policy: number | null, derived: number | undefined) =>
  policy === null || derived === undefined ? policy : Math.min(policy, derived);

/**
 * The policy's limits, each lowered to the key's derived throttle when that is stricter. A limit the policy leaves
 * out stays out (the rule did not ask to cap it); without history the policy's limits stand.
 */
export function bitingLimits(policy: Limits, recommendation: LimitRecommendation | null): Limits {
  const derived = recommendation?.throttle ?? undefined;
  return { rpm: lower(policy.rpm, derived?.rpm), tpm: lower(policy.tpm, derived?.tpm) };
}
