/** Fewer events than this say nothing about a key's schedule. */
export const MIN_SCHEDULE_EVENTS = 5;
/** Share of a key's events inside its busiest 3-hour window from which the key has a distinct daily schedule. */
const HOUR_PEAK_SHARE = 0.4;
/** Share inside one 5-minute phase of the hour from which the key runs like a cron job. */
const PHASE_PEAK_SHARE = 0.5;

function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum;
}

/** Events in the 3-hour window centred on each hour, wrapping around midnight. */
function smoothedHours(hours: ArrayLike<number>): number[] {
  const n = hours.length;
  return Array.from({ length: n }, (_, h) => hours[(h + n - 1) % n]! + hours[h]! + hours[(h + 1) % n]!);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Timing tokens for linking: the peak hour (and its stronger neighbour, so keys whose peaks differ by one hour
 * still meet) when the key has a distinct daily schedule, and the peak 5-minute phase when it fires like cron.
 */
export function scheduleTokens(hours: ArrayLike<number>, minutePhase: ArrayLike<number>): string[] {
  const events = total(hours);
  if (events < MIN_SCHEDULE_EVENTS) return [];
  const tokens: string[] = [];
  const smooth = smoothedHours(hours);
  const peak = argmax(smooth);
  if (smooth[peak]! / events >= HOUR_PEAK_SHARE) {
    const before = (peak + 23) % 24;
    const after = (peak + 1) % 24;
    const neighbour = smooth[after]! >= smooth[before]! ? after : before;
    tokens.push(`h:${peak}`);
    if (smooth[neighbour]! >= 0.8 * smooth[peak]!) tokens.push(`h:${neighbour}`);
  }
  const phase = argmax(minutePhase);
  if (minutePhase[phase]! / events >= PHASE_PEAK_SHARE) tokens.push(`m:${phase}`);
  return tokens;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const meanA = total(a) / n;
  const meanB = total(b) / n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - meanA) * (b[i]! - meanB);
    varA += (a[i]! - meanA) ** 2;
    varB += (b[i]! - meanB) ** 2;
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : 0;
}

/**
 * How much members keep one schedule: mean Pearson correlation of each member's hour-of-day shares with the
 * pooled shares of the other members (leave-one-out, so a small cluster does not correlate with itself).
 * Negative values count as 0; members with too few events are skipped.
 */
export function scheduleCorrelation(histograms: ArrayLike<number>[]): number {
  const shares: number[][] = [];
  for (const h of histograms) {
    const events = total(h);
    if (events >= MIN_SCHEDULE_EVENTS) shares.push(Array.from(h, (v) => v / events));
  }
  if (shares.length < 2) return 0;
  const pooled = new Array<number>(shares[0]!.length).fill(0);
  for (const s of shares) for (let i = 0; i < s.length; i++) pooled[i] = pooled[i]! + s[i]!;
  let sum = 0;
  for (const s of shares) {
    const others = pooled.map((v, i) => v - s[i]!);
    sum += Math.max(0, pearson(s, others));
  }
  return sum / shares.length;
}
