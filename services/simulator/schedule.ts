import type { Rng } from './random.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Public holidays (UTC dates) on which business traffic drops; listed in README.md. */
export const HOLIDAYS = new Set([
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-01',
  '2026-05-25',
  '2026-07-04',
  '2026-12-24',
  '2026-12-25',
  '2026-12-26',
  '2026-12-31',
]);

/** Relative request intensity at an event time; `peak` bounds it (needed for thinning). */
export interface Schedule {
  at(ts: number): number;
  peak: number;
}

export interface LocalTime {
  hour: number;
  weekend: boolean;
  holiday: boolean;
}

export function localTime(ts: number, tzOffsetHours: number): LocalTime {
  const local = new Date(ts + tzOffsetHours * HOUR_MS);
  const day = local.getUTCDay();
  return {
    hour: local.getUTCHours() + local.getUTCMinutes() / 60,
    weekend: day === 0 || day === 6,
    holiday: HOLIDAYS.has(local.toISOString().slice(0, 10)),
  };
}

/** A smooth daily cycle peaking at `peakHour` local time with `floor` at night (consumer traffic). */
export function diurnal(tzOffsetHours: number, peakHour: number, floor: number, weekendFactor = 1): Schedule {
  return {
    peak: Math.max(1, weekendFactor),
    at(ts) {
      const t = localTime(ts, tzOffsetHours);
      const cycle = 0.5 + 0.5 * Math.cos((2 * Math.PI * (t.hour - peakHour)) / 24);
      return (floor + (1 - floor) * cycle) * (t.weekend || t.holiday ? weekendFactor : 1);
    },
  };
}

/** Office hours on working days, a trickle outside them (coding agents, researchers, labelling teams). */
export function workHours(tzOffsetHours: number, startHour: number, endHour: number, offFactor: number): Schedule {
  return {
    peak: 1,
    at(ts) {
      const t = localTime(ts, tzOffsetHours);
      if (t.weekend || t.holiday) return offFactor / 2;
      return t.hour >= startHour && t.hour < endHour ? 1 : offFactor;
    },
  };
}

/** Evenings and weekends (hobbyists). */
export function leisureHours(tzOffsetHours: number): Schedule {
  return {
    peak: 1,
    at(ts) {
      const t = localTime(ts, tzOffsetHours);
      if (t.weekend || t.holiday) return t.hour >= 9 && t.hour < 24 ? 1 : 0.1;
      return t.hour >= 18 && t.hour < 24 ? 0.8 : t.hour >= 7 && t.hour < 9 ? 0.3 : 0.05;
    },
  };
}

/** Always on, as scripts run (bulk extraction, pipelines' steady state). */
export const flat: Schedule = { peak: 1, at: () => 1 };

/** A time window with a rate multiplier. */
export interface Window {
  from: number;
  to: number;
  factor: number;
}

/** Random windows over [from, to): `perDay` on average, each `minutes` long (bursts, sweeps, batch jobs). */
export function randomWindows(rng: Rng, from: number, to: number, perDay: number, minutes: [number, number]): Window[] {
  const windows: Window[] = [];
  let t = from + rng.exponential(DAY_MS / perDay);
  while (t < to) {
    const length = rng.uniform(minutes[0], minutes[1]) * 60_000;
    windows.push({ from: t, to: t + length, factor: 1 });
    t += length + rng.exponential(DAY_MS / perDay);
  }
  return windows;
}

/** Daily windows at a local hour (nightly batch jobs). */
export function dailyWindows(
  from: number,
  to: number,
  tzOffsetHours: number,
  startHour: number,
  hours: number,
): Window[] {
  const windows: Window[] = [];
  const firstMidnight = Math.floor((from + tzOffsetHours * HOUR_MS) / DAY_MS) * DAY_MS - tzOffsetHours * HOUR_MS;
  for (let day = firstMidnight - DAY_MS; day < to; day += DAY_MS) {
    const start = day + startHour * HOUR_MS;
    windows.push({ from: start, to: start + hours * HOUR_MS, factor: 1 });
  }
  return windows;
}

function factorAt(windows: readonly Window[], ts: number): number {
  for (const w of windows) if (ts >= w.from && ts < w.to) return w.factor;
  return 0;
}

/** Base schedule, multiplied by `factor` inside windows (bursts on top of normal traffic). */
export function withBursts(base: Schedule, windows: readonly Window[], factor: number): Schedule {
  return {
    peak: base.peak * factor,
    at: (ts) => base.at(ts) * (factorAt(windows, ts) > 0 ? factor : 1),
  };
}

/** Active only inside windows at `inside`, else at `outside` (sweeps of an eval harness, batch jobs). */
export function onlyInWindows(windows: readonly Window[], inside: number, outside: number): Schedule {
  return {
    peak: Math.max(inside, outside),
    at: (ts) => (factorAt(windows, ts) > 0 ? inside : outside),
  };
}

/** A shared on/off duty cycle (hydra members pause and resume together). */
export function dutyCycle(periodMinutes: number, onShare: number, phaseMs: number): Schedule {
  const period = periodMinutes * 60_000;
  return {
    peak: 1,
    at: (ts) => ((((ts - phaseMs) % period) + period) % period < onShare * period ? 1 : 0),
  };
}

/** Multiplies the rate by `factor` from `from` on (a reseller adding an extraction customer). */
export function stepUp(from: number, factor: number): Schedule {
  return { peak: Math.max(1, factor), at: (ts) => (ts >= from ? factor : 1) };
}

export function product(a: Schedule, b: Schedule): Schedule {
  return { peak: a.peak * b.peak, at: (ts) => a.at(ts) * b.at(ts) };
}

export { DAY_MS, HOUR_MS };
