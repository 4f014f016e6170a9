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

export function logit(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Platt scaling: fits P(attack) = sigmoid(a·logit + b) by Newton's method with Platt's smoothed targets. */
export function fitPlatt(logits: readonly number[], labels: readonly number[]): { a: number; b: number } {
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    logits.forEach((x, i) => {
      const p = sigmoid(a * x + b);
      const d = p - (labels[i] === 1 ? hi : lo);
      const w = p * (1 - p);
      ga += d * x;
      gb += d;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export function plattProbability(calibration: PlattCalibration, modelProbability: number): number {
  return sigmoid(calibration.a * logit(modelProbability) + calibration.b);
}
