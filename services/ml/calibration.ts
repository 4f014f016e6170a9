import type { ErrorAnchors, PlattCalibration } from './model-metadata.ts';
import { quantileSorted } from './normalisation.ts';

/** Benign quantile → score: the median benign key scores 0, a 1-in-100 benign key 0.5, 10× the p99.9 error 1. */
const ANCHOR_LEVELS = [
  { label: 'p50', q: 0.5, score: 0 },
  { label: 'p90', q: 0.9, score: 0.2 },
  { label: 'p99', q: 0.99, score: 0.5 },
  { label: 'p99.9', q: 0.999, score: 0.8 },
] as const;
const SATURATION_FACTOR = 10;
const MIN_ERROR = 1e-9;

/** Builds error anchors from the reconstruction errors of benign held-out rows. */
export function fitErrorAnchors(benignErrors: readonly number[]): ErrorAnchors {
  const sorted = [...benignErrors].sort((a, b) => a - b);
  const anchors: ErrorAnchors['anchors'] = [];
  let previous = MIN_ERROR;
  for (const level of ANCHOR_LEVELS) {
    // Strictly increasing errors keep the log-linear interpolation well defined even for tied quantiles.
    const error = Math.max(quantileSorted(sorted, level.q), previous * 1.01, MIN_ERROR);
    anchors.push({ label: level.label, error, score: level.score });
    previous = error;
  }
  anchors.push({ label: `${SATURATION_FACTOR}x p99.9`, error: previous * SATURATION_FACTOR, score: 1 });
  return { kind: 'error-anchors', anchors };
}

/** Maps a reconstruction error to 0–1 by interpolating log(error) between anchors; monotone, clamped. */
export function scoreFromAnchors(calibration: ErrorAnchors, error: number): number {
  const { anchors } = calibration;
  const first = anchors[0]!;
  const last = anchors.at(-1)!;
  if (!(error > first.error)) return first.score;
  if (error >= last.error) return last.score;
  const upper = anchors.findIndex((a) => a.error >= error);
  const lo = anchors[upper - 1]!;
  const hi = anchors[upper]!;
  const t = Math.log(error / lo.error) / Math.log(hi.error / lo.error);
  return lo.score + t * (hi.score - lo.score);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Negative log-likelihood of targets under sigmoid(a·x + b), computed without overflow. */
function plattLoss(xs: readonly number[], targets: readonly number[], a: number, b: number): number {
  let loss = 0;
  xs.forEach((x, i) => {
    const z = a * x + b;
    loss += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - targets[i]! * z;
  });
  return loss;
}

/**
 * Platt scaling: fits P(attack) = sigmoid(a·logit + b) with Platt's smoothed targets, by Newton's method with a
 * backtracking line search (Lin, Lin & Weng 2007) so separable validation data cannot make it diverge.
 */
export function fitPlatt(logits: readonly number[], labels: readonly number[]): { a: number; b: number } {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  const targets = labels.map((l) => (l === 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)));
  let a = 1;
  let b = 0;
  let loss = plattLoss(logits, targets, a, b);
  for (let iter = 0; iter < 100; iter++) {
    const { ga, gb, da, db } = newtonStep(logits, targets, a, b);
    if (Math.abs(ga) < 1e-6 && Math.abs(gb) < 1e-6) break;
    let step = 1;
    while (step > 1e-10) {
      const next = plattLoss(logits, targets, a - step * da, b - step * db);
      if (next <= loss - 1e-4 * step * (ga * da + gb * db)) break;
      step /= 2;
    }
    if (step <= 1e-10) break;
    a -= step * da;
    b -= step * db;
    loss = plattLoss(logits, targets, a, b);
  }
  return { a, b };
}

function newtonStep(xs: readonly number[], targets: readonly number[], a: number, b: number) {
  let ga = 0;
  let gb = 0;
  let haa = 1e-12;
  let hab = 0;
  let hbb = 1e-12;
  xs.forEach((x, i) => {
    const p = sigmoid(a * x + b);
    const d = p - targets[i]!;
    const w = p * (1 - p);
    ga += d * x;
    gb += d;
    haa += w * x * x;
    hab += w * x;
    hbb += w;
  });
  const det = haa * hbb - hab * hab;
  return { ga, gb, da: (hbb * ga - hab * gb) / det, db: (haa * gb - hab * ga) / det };
}

/** The calibrated attack probability of a raw classifier logit. */
export function plattProbability(calibration: PlattCalibration, modelLogit: number): number {
  return sigmoid(calibration.a * modelLogit + calibration.b);
}
