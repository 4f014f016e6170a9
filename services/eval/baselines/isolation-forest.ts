import { Rng } from '../../simulator/random.ts';

/** A tree node: internal nodes split on `feature < threshold`; leaves keep how many samples reached them. */
export type IsolationNode =
  | { leaf: true; size: number }
  | { leaf: false; feature: number; threshold: number; left: IsolationNode; right: IsolationNode };

export interface IsolationForestOptions {
  trees: number;
  /** Subsample per tree (ψ in Liu, Ting & Zhou 2008). */
  sampleSize: number;
  seed: number;
}

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful BST search among n points: the normaliser c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

function featureRange(rows: readonly ArrayLike<number>[], feature: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const v = row[feature]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function buildTree(rows: readonly ArrayLike<number>[], depth: number, limit: number, rng: Rng): IsolationNode {
  if (depth >= limit || rows.length <= 1) return { leaf: true, size: rows.length };
  const dims = rows[0]!.length;
  const candidates = rng.shuffle(Array.from({ length: dims }, (_, i) => i));
  for (const feature of candidates) {
    const [lo, hi] = featureRange(rows, feature);
    if (!(hi > lo)) continue;
    const threshold = rng.uniform(lo, hi);
    const left = rows.filter((r) => r[feature]! < threshold);
    const right = rows.filter((r) => r[feature]! >= threshold);
    return {
      leaf: false,
      feature,
      threshold,
      left: buildTree(left, depth + 1, limit, rng),
      right: buildTree(right, depth + 1, limit, rng),
    };
  }
  return { leaf: true, size: rows.length };
}

function pathLength(node: IsolationNode, x: ArrayLike<number>): number {
  let depth = 0;
  let current = node;
  while (!current.leaf) {
    current = x[current.feature]! < current.threshold ? current.left : current.right;
    depth++;
  }
  return depth + averagePathLength(current.size);
}

/** Isolation Forest (Liu, Ting & Zhou 2008), seeded: anomalies are isolated by fewer random splits. */
export class IsolationForest {
  private readonly trees: IsolationNode[];
  private readonly normaliser: number;

  private constructor(
    trees: IsolationNode[],
    private readonly sampleSize: number,
  ) {
    this.trees = trees;
    this.normaliser = averagePathLength(sampleSize);
  }

  /** Plain data (structured-cloneable) for another thread: `fromParams(forest.params())` scores the same. */
  params(): { trees: IsolationNode[]; sampleSize: number } {
    return { trees: this.trees, sampleSize: this.sampleSize };
  }

  static fromParams(params: { trees: IsolationNode[]; sampleSize: number }): IsolationForest {
    return new IsolationForest(params.trees, params.sampleSize);
  }

  static fit(rows: readonly ArrayLike<number>[], options: IsolationForestOptions): IsolationForest {
    if (rows.length === 0) throw new RangeError('isolation forest needs at least one row');
    const rng = new Rng(`isolation-forest:${options.seed}`);
    const sampleSize = Math.min(options.sampleSize, rows.length);
    const limit = Math.ceil(Math.log2(Math.max(2, sampleSize)));
    const trees = Array.from({ length: options.trees }, () =>
      buildTree(rng.shuffle(rows).slice(0, sampleSize), 0, limit, rng),
    );
    return new IsolationForest(trees, sampleSize);
  }

  /** Anomaly score s = 2^(−E[h(x)]/c(ψ)) in (0, 1]: near 1 anomalous, ≤ 0.5 normal. */
  score(x: ArrayLike<number>): number {
    let total = 0;
    for (const tree of this.trees) total += pathLength(tree, x);
    const mean = total / this.trees.length;
    return this.normaliser > 0 ? 2 ** (-mean / this.normaliser) : 0.5;
  }
}
