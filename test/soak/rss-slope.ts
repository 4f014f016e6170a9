export interface Sample {
  /** Milliseconds since the run started. */
  atMs: number;
  value: number;
}

/**
 * Least-squares growth of `value` over time, as a percentage of its mean per hour (positive = growing). Null with
 * fewer than 3 samples or no time spread.
 */
export function growthPercentPerHour(samples: readonly Sample[]): number | null {
  if (samples.length < 3) return null;
  const n = samples.length;
  const meanT = samples.reduce((s, p) => s + p.atMs, 0) / n;
  const meanV = samples.reduce((s, p) => s + p.value, 0) / n;
  let cov = 0;
  let varT = 0;
  for (const p of samples) {
    cov += (p.atMs - meanT) * (p.value - meanV);
    varT += (p.atMs - meanT) ** 2;
  }
  if (varT === 0 || meanV === 0) return null;
  const perMs = cov / varT;
  return ((perMs * 3_600_000) / meanV) * 100;
}
