import { z } from 'zod';

/** Signed log1p tames heavy-tailed counts; identity keeps ratios and signed scores as they are. */
const featureTransformSchema = z.enum(['identity', 'log1p']);

export const normalisationSchema = z.object({
  transforms: z.array(featureTransformSchema),
  /** Median of each transformed feature over benign training rows. */
  center: z.array(z.number()),
  /**
   * Robust spread of each transformed feature: IQR/1.349, at least the 99.9th percentile of benign rows' distance from
   * the centre over `clip` (so at most 0.1% of benign rows are clipped); else the root mean square distance of the rows
   * away from the centre; else 1.
   */
  scale: z.array(z.number().positive()),
  /** Normalised values are clipped to ±clip so one absurd feature cannot swamp a model. */
  clip: z.number().positive(),
});

export type Normalisation = z.infer<typeof normalisationSchema>;
type Transform = z.infer<typeof featureTransformSchema>;

const DEFAULT_CLIP = 10;
const TINY = 1e-6;
/** Share of benign rows a feature's scale keeps within ±clip. */
const UNCLIPPED_SHARE = 0.999;

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
    const median = quantileSorted(values, 0.5);
    center.push(median);
    scale.push(robustScale(values, median, DEFAULT_CLIP));
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

/**
 * IQR/1.349 where the benign rows spread, but never so small that more than 0.1% of them land beyond ±clip: where most
 * benign rows sit at one value (a share that is 0 for nearly every benign key), the IQR, and the standard deviation
 * that used to stand in for it, shrink with how rare the others are (models v7: 2e-6 for `harvest_instruction_share`,
 * 1e-5 for `language_mix`), so one classifier-flagged prompt in 500 or a few words of a second language became ten
 * standard deviations, the clip, and the classifier's strongest evidence (tuning data r2 seed 32: a translation job
 * alerted as reseller_mixed with `harvest_instruction_share` 0.002 and `language_mix` 0.009 its two top reasons).
 * Where even that is 0, the root mean square distance of the rows away from the centre; else 1.
 */
function robustScale(sorted: readonly number[], center: number, clip: number): number {
  const iqr = (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.349;
  const deviations = sorted.map((v) => Math.abs(v - center)).sort((a, b) => a - b);
  const spread = Math.max(iqr, quantileSorted(deviations, UNCLIPPED_SHARE) / clip);
  if (spread > TINY) return spread;
  let squares = 0;
  let away = 0;
  for (const d of deviations) {
    if (d <= TINY) continue;
    squares += d * d;
    away++;
  }
  const rms = away === 0 ? 0 : Math.sqrt(squares / away);
  return rms > TINY ? rms : 1;
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
