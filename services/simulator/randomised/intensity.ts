import { Rng } from '../random.ts';

const HOUR_MS = 3_600_000;

/** Relative request intensity at an event time; `peak` bounds it for thinning. */
export interface Intensity {
  at(ts: number): number;
  peak: number;
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
  return {
    peak: Math.max(1, weekend),
    at(ts) {
      const t = localHour(ts, tz);
      const cycle = 0.5 + 0.5 * Math.cos((2 * Math.PI * (t.hour - peakHour)) / 24);
      return (floor + (1 - floor) * cycle) * (t.weekend ? weekend : 1);
    },
  };
}

/** Working hours on weekdays, a trickle otherwise (staff, developers, internal tools). */
export function officeHours(tz: number, from: number, to: number, off: number): Intensity {
  return {
    peak: 1,
    at(ts) {
      const t = localHour(ts, tz);
      return !t.weekend && t.hour >= from && t.hour < to ? 1 : off;
    },
  };
}

/** Jobs: windows of full rate (e.g. nightly batches, sweeps, shifts of a worker pool), idle in between. */
export function windows(rng: Rng, start: number, end: number, on: [number, number], off: [number, number]): Intensity {
  const spans: [number, number][] = [];
  let t = start + rng.uniform(0, off[1]) * HOUR_MS;
  while (t < end) {
    const length = rng.uniform(on[0], on[1]) * HOUR_MS;
    spans.push([t, t + length]);
    t += length + rng.uniform(off[0], off[1]) * HOUR_MS;
  }
  const starts = spans.map(([a]) => a);
  return {
    peak: 1,
    at(ts) {
      const i = lastAtOrBefore(starts, ts);
      return i >= 0 && ts < spans[i]![1] ? 1 : 0.01;
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

export const flat: Intensity = { peak: 1, at: () => 1 };

/** Hour-to-hour load changes (bursts, quiet hours) on top of a base intensity; deterministic per key and hour. */
export function withHourlyNoise(base: Intensity, label: string, sigma: number): Intensity {
  if (sigma <= 0) return base;
  const cap = Math.exp(2 * sigma);
  // A key asks for its hours in order, so remembering the last one avoids re-deriving it per candidate.
  let lastHour = Number.NaN;
  let lastFactor = 1;
  return {
    peak: base.peak * cap,
    at(ts) {
      const hour = Math.floor(ts / HOUR_MS);
      if (hour !== lastHour) {
        lastFactor = Math.min(cap, new Rng(`${label}/h${hour}`).logNormal(1, sigma));
        lastHour = hour;
      }
      return base.at(ts) * lastFactor;
    },
  };
}
