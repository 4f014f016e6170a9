import { z } from 'zod';

/** Signed log1p tames heavy-tailed counts; identity keeps ratios and signed scores as they are. */
const featureTransformSchema = z.enum(['identity', 'log1p']);

export const normalisationSchema = z.object({
  transforms: z.array(featureTransformSchema),
  /** Median of each transformed feature over benign training rows. */
  center: z.array(z.number()),
  /** Robust spread (IQR/1.349, else standard deviation, else 1) of each transformed feature. */
  scale: z.array(z.number().positive()),
  /** Normalised values are clipped to ±clip so one absurd feature cannot swamp a model. */
  clip: z.number().positive(),
});

export type Normalisation = z.infer<typeof normalisationSchema>;
type Transform = z.infer<typeof featureTransformSchema>;

const DEFAULT_CLIP = 10;
const TINY = 1e-6;

/** Fits a per-feature transform, centre and scale on benign rows (each row in feature order). */
export function fitNormalisation(rows: readonly ArrayLike<number>[], width: number): Normalisation {
  const transforms: Transform[] = [];
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < width; j++) {
    const raw = rows.map((r) => finite(r[j]));
    const transform = chooseTransform(raw);
    const values = raw.map((v) => applyTransform(transform, v)).sort((a, b) => a - b);
    transforms.push(transform);
    center.push(quantileSorted(values, 0.5));
    scale.push(robustScale(values));
  }
  return { transforms, center, scale, clip: DEFAULT_CLIP };
}

/** Writes the normalised row into `out` (allocated when absent) and returns it. */
export function normaliseRow(n: Normalisation, row: ArrayLike<number>, out?: Float32Array): Float32Array {
  const width = n.center.length;
  const target = out ?? new Float32Array(width);
  for (let j = 0; j < width; j++) {
    const z = (applyTransform(n.transforms[j]!, finite(row[j])) - n.center[j]!) / n.scale[j]!;
    target[j] = Math.max(-n.clip, Math.min(n.clip, z));
  }
  return target;
}

/** Normalises many rows into one row-major matrix, ready for a [rows, width] tensor. */
export function normaliseRows(n: Normalisation, rows: readonly ArrayLike<number>[]): Float32Array {
  const width = n.center.length;
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    normaliseRow(n, row, out.subarray(i * width, (i + 1) * width));
  });
  return out;
}

/** The raw-unit value whose normalised value is 0 (the benign median), used as the baseline in reasons. */
export function baselineValues(n: Normalisation): number[] {
  return n.center.map((c, j) => (n.transforms[j] === 'log1p' ? Math.sign(c) * Math.expm1(Math.abs(c)) : c));
}

function applyTransform(transform: Transform, v: number): number {
  return transform === 'log1p' ? Math.sign(v) * Math.log1p(Math.abs(v)) : v;
}

function chooseTransform(values: number[]): Transform {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return min >= 0 && max > 1 ? 'log1p' : 'identity';
}

function robustScale(sorted: number[]): number {
  const iqr = (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.349;
  if (iqr > TINY) return iqr;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const variance = sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, sorted.length);
  const std = Math.sqrt(variance);
  return std > TINY ? std : 1;
}

/** Linear-interpolated quantile of an ascending array (0 for an empty one). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function finite(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}
