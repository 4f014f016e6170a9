import { Rng } from '../random.ts';

const HOUR_MS = 3_600_000;

/** Relative request intensity at an event time; `peak` bounds it for thinning. */
export interface Intensity {
  at(ts: number): number;
  peak: number;
}

function localHour(ts: number, tz: number): { hour: number; weekend: boolean } {
  const d = new Date(ts + tz * HOUR_MS);
  const day = d.getUTCDay();
  return { hour: d.getUTCHours() + d.getUTCMinutes() / 60, weekend: day === 0 || day === 6 };
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
  return {
    peak: 1,
    at(ts) {
      for (const [a, b] of spans) if (ts >= a && ts < b) return 1;
      return 0.01;
    },
  };
}

export const flat: Intensity = { peak: 1, at: () => 1 };

/** Hour-to-hour load changes (bursts, quiet hours) on top of a base intensity; deterministic per key and hour. */
export function withHourlyNoise(base: Intensity, label: string, sigma: number): Intensity {
  if (sigma <= 0) return base;
  const cache = new Map<number, number>();
  const cap = Math.exp(2 * sigma);
  return {
    peak: base.peak * cap,
    at(ts) {
      const hour = Math.floor(ts / HOUR_MS);
      let m = cache.get(hour);
      if (m === undefined) {
        m = Math.min(cap, new Rng(`${label}/h${hour}`).logNormal(1, sigma));
        cache.set(hour, m);
      }
      return base.at(ts) * m;
    },
  };
}
