import { Rng } from '../../simulator/random.ts';

export interface LogisticOptions {
  /** L2 penalty on the weights (not the intercept). */
  l2: number;
  learningRate: number;
  epochs: number;
  /** Mini-batch size; rows are visited in a seeded order each epoch. */
  batchSize: number;
  seed: number;
}

export const DEFAULT_LOGISTIC_OPTIONS: LogisticOptions = {
  l2: 1e-3,
  learningRate: 0.1,
  epochs: 30,
  batchSize: 256,
  seed: 1,
};

/** Heavy-tailed counts and rates are compared on a log scale before standardising. */
export function logScale(row: ArrayLike<number>): Float64Array {
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    out[i] = Math.sign(v) * Math.log1p(Math.abs(v));
  }
  return out;
}

export interface LogisticParams {
  mean: Float64Array;
  scale: Float64Array;
  weights: Float64Array;
  bias: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function standardiser(rows: readonly Float64Array[]): { mean: Float64Array; scale: Float64Array } {
  const dims = rows[0]!.length;
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (const row of rows) for (let j = 0; j < dims; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < dims; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  for (let j = 0; j < dims; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

/**
 * Binary logistic regression with L2, fitted by seeded mini-batch gradient descent on log-scaled, standardised
 * features; classes are weighted to balance (attack snapshots are rare).
 */
export class LogisticRegression {
  private constructor(
    private readonly mean: Float64Array,
    private readonly scale: Float64Array,
    readonly weights: Float64Array,
    readonly bias: number,
  ) {}

  /** Plain data (structured-cloneable) for another thread: `fromParams(model.params())` predicts the same. */
  params(): LogisticParams {
    return { mean: this.mean, scale: this.scale, weights: this.weights, bias: this.bias };
  }

  static fromParams(p: LogisticParams): LogisticRegression {
    return new LogisticRegression(p.mean, p.scale, p.weights, p.bias);
  }

  static fit(rawRows: readonly ArrayLike<number>[], labels: readonly boolean[], options = DEFAULT_LOGISTIC_OPTIONS) {
    if (rawRows.length === 0 || rawRows.length !== labels.length) throw new RangeError('need rows with one label each');
    const positives = labels.filter(Boolean).length;
    if (positives === 0 || positives === labels.length) throw new RangeError('need both classes to fit');
    const rows = rawRows.map(logScale);
    const { mean, scale } = standardiser(rows);
    const x = rows.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
    const classWeight = [labels.length / (2 * (labels.length - positives)), labels.length / (2 * positives)];
    const w = new Float64Array(x[0]!.length);
    let b = 0;
    const rng = new Rng(`logistic-regression:${options.seed}`);
    const order = Array.from({ length: x.length }, (_, i) => i);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const shuffled = rng.shuffle(order);
      for (let start = 0; start < shuffled.length; start += options.batchSize) {
        const batch = shuffled.slice(start, start + options.batchSize);
        const grad = new Float64Array(w.length);
        let gradB = 0;
        for (const i of batch) {
          const row = x[i]!;
          let z = b;
          for (let j = 0; j < w.length; j++) z += w[j]! * row[j]!;
          const y = labels[i] ? 1 : 0;
          const err = (sigmoid(z) - y) * classWeight[y]!;
          for (let j = 0; j < w.length; j++) grad[j]! += err * row[j]!;
          gradB += err;
        }
        for (let j = 0; j < w.length; j++)
          w[j]! -= options.learningRate * (grad[j]! / batch.length + options.l2 * w[j]!);
        b -= (options.learningRate * gradB) / batch.length;
      }
    }
    return new LogisticRegression(mean, scale, w, b);
  }

  /** P(attack) for one raw feature row. */
  predict(raw: ArrayLike<number>): number {
    let z = this.bias;
    for (let j = 0; j < this.weights.length; j++) {
      const v = raw[j]!;
      z += (this.weights[j]! * (Math.sign(v) * Math.log1p(Math.abs(v)) - this.mean[j]!)) / this.scale[j]!;
    }
    return sigmoid(z);
  }
}
