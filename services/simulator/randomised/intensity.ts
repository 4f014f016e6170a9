import { Rng } from '../random.ts';

const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = HOUR_MS / 2;

/**
 * Relative request intensity at an event time. `bound(ts)` gives an upper bound valid from `ts` until a later time,
 * so arrivals are thinned against the local bound and idle stretches cost no candidates.
 */
export interface Intensity {
  at(ts: number): number;
  bound(ts: number): readonly [peak: number, until: number];
}

/** Local hour and weekend flag without allocating a Date (1970-01-01 was a Thursday). */
function localHour(ts: number, tz: number): { hour: number; weekend: boolean } {
  const localHours = ts / HOUR_MS + tz;
  const day = Math.floor(localHours / 24);
  const weekday = (((day + 4) % 7) + 7) % 7;
  return { hour: localHours - day * 24, weekend: weekday === 0 || weekday === 6 };
}

/** Smooth daily cycle (apps with end users). */
export function dailyCycle(tz: number, peakHour: number, floor: number, weekend: number): Intensity {
  const peak = Math.max(1, weekend);
  return {
    at(ts) {
      const t = localHour(ts, tz);
      const cycle = 0.5 + 0.5 * Math.cos((2 * Math.PI * (t.hour - peakHour)) / 24);
      return (floor + (1 - floor) * cycle) * (t.weekend ? weekend : 1);
    },
    bound: (ts) => [peak, ts + HOUR_MS],
  };
}

/** Working hours on weekdays, a trickle otherwise (staff, developers, internal tools). */
export function officeHours(tz: number, from: number, to: number, off: number): Intensity {
  const at = (ts: number) => {
    const t = localHour(ts, tz);
    return !t.weekend && t.hour >= from && t.hour < to ? 1 : off;
  };
  // Whole-hour limits in a whole- or half-hour time zone: the value is constant within each UTC half hour.
  return { at, bound: (ts) => [at(ts), (Math.floor(ts / HALF_HOUR_MS) + 1) * HALF_HOUR_MS] };
}

/** Jobs: windows of full rate (e.g. nightly batches, sweeps, shifts of a worker pool), a trickle in between. */
export function windows(rng: Rng, start: number, end: number, on: [number, number], off: [number, number]): Intensity {
  const spans: [number, number][] = [];
  let t = start + rng.uniform(0, off[1]) * HOUR_MS;
  while (t < end) {
    const length = rng.uniform(on[0], on[1]) * HOUR_MS;
    spans.push([t, t + length]);
    t += length + rng.uniform(off[0], off[1]) * HOUR_MS;
  }
  const starts = spans.map(([a]) => a);
  const TRICKLE = 0.01;
  return {
    at(ts) {
      const i = lastAtOrBefore(starts, ts);
      return i >= 0 && ts < spans[i]![1] ? 1 : TRICKLE;
    },
    bound(ts) {
      const i = lastAtOrBefore(starts, ts);
      if (i >= 0 && ts < spans[i]![1]) return [1, spans[i]![1]];
      return [TRICKLE, starts[i + 1] ?? Number.POSITIVE_INFINITY];
    },
  };
}

/** Index of the last value ≤ x in an ascending list, -1 when none. */
function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

export const flat: Intensity = { at: () => 1, bound: () => [1, Number.POSITIVE_INFINITY] };

/** Hour-to-hour load changes (bursts, quiet hours) on top of a base intensity; deterministic per key and hour. */
export function withHourlyNoise(base: Intensity, label: string, sigma: number): Intensity {
  if (sigma <= 0) return base;
  const cap = Math.exp(2 * sigma);
  // A key asks for its hours in order, so remembering the last one avoids re-deriving it per candidate.
  let lastHour = Number.NaN;
  let lastFactor = 1;
  const factor = (hour: number) => {
    if (hour !== lastHour) {
      lastFactor = Math.min(cap, new Rng(`${label}/h${hour}`).logNormal(1, sigma));
      lastHour = hour;
    }
    return lastFactor;
  };
  return {
    at: (ts) => base.at(ts) * factor(Math.floor(ts / HOUR_MS)),
    bound(ts) {
      const hour = Math.floor(ts / HOUR_MS);
      const [peak, until] = base.bound(ts);
      return [peak * factor(hour), Math.min(until, (hour + 1) * HOUR_MS)];
    },
  };
}
