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

/** Pearson correlation of `a` with `b - a` (a member against the pooled shares of all the others). */
function pearsonWithOthers(a: Float64Array, offset: number, pooled: Float64Array): number {
  const n = pooled.length;
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < n; i++) {
    sumA += a[offset + i]!;
    sumB += pooled[i]! - a[offset + i]!;
  }
  const meanA = sumA / n;
  const meanB = sumB / n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[offset + i]! - meanA;
    const db = pooled[i]! - a[offset + i]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : 0;
}

/**
 * How much members keep one schedule: mean Pearson correlation of each member's hour-of-day shares with the
 * pooled shares of the other members (leave-one-out, so a small cluster does not correlate with itself).
 * Negative values count as 0; members with too few events are skipped.
 */
export function scheduleCorrelation(histograms: ArrayLike<number>[]): number {
  const width = histograms[0]?.length ?? 0;
  const shares = new Float64Array(histograms.length * width);
  const pooled = new Float64Array(width);
  let members = 0;
  for (const h of histograms) {
    const events = total(h);
    if (events < MIN_SCHEDULE_EVENTS) continue;
    for (let i = 0; i < width; i++) {
      shares[members * width + i] = h[i]! / events;
      pooled[i] = pooled[i]! + h[i]! / events;
    }
    members++;
  }
  if (members < 2) return 0;
  let sum = 0;
  for (let m = 0; m < members; m++) sum += Math.max(0, pearsonWithOthers(shares, m * width, pooled));
  return sum / members;
}
