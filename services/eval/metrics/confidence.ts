/** Exact 95% confidence bounds for counts: two-sided intervals, so each end holds at 97.5%. */
const TAIL = 0.025;
const BISECTION_STEPS = 200;

/** log(Σ exp(terms)) without overflow. */
function logSumExp(terms: readonly number[]): number {
  const max = Math.max(...terms);
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}

/** P(X ≤ k) for X ~ Poisson(λ). */
function poissonCdf(k: number, lambda: number): number {
  if (lambda <= 0) return 1;
  const terms: number[] = [];
  let logTerm = -lambda;
  for (let i = 0; i <= k; i++) {
    terms.push(logTerm);
    logTerm += Math.log(lambda) - Math.log(i + 1);
  }
  return Math.min(1, Math.exp(logSumExp(terms)));
}

/** The x in [lo, hi] where a decreasing function crosses `target`. */
function solveDecreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function checkCount(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`count must be a non-negative integer, got ${k}`);
}

/** Exact (Garwood) 95% interval for a Poisson mean after observing `k` events. */
export function poissonInterval(k: number): { lower: number; upper: number } {
  checkCount(k);
  const hi = Math.max(10, 2 * k + 20 * Math.sqrt(k + 1));
  const upper = solveDecreasing((l) => poissonCdf(k, l), TAIL, 0, hi);
  const lower = k === 0 ? 0 : solveDecreasing((l) => poissonCdf(k - 1, l), 1 - TAIL, 0, hi);
  return { lower, upper };
}

/**
 * Events per 1,000 exposure units (here benign key-days) with the upper end of the exact Poisson 95% interval:
 * 0 flagged key-days over 5,000 key-days still allows up to 0.74 per 1,000.
 */
export function ratePer1000(count: number, exposure: number): { rate: number; upper95: number } {
  if (!(exposure > 0)) return { rate: 0, upper95: 0 };
  return { rate: (1000 * count) / exposure, upper95: (1000 * poissonInterval(count).upper) / exposure };
}
