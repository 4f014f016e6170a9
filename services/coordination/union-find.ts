/** Disjoint sets over 0..n-1 with union by size and path halving. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.size = new Int32Array(n).fill(1);
  }

  find(x: number): number {
    let node = x;
    while (this.parent[node] !== node) {
      this.parent[node] = this.parent[this.parent[node]!]!;
      node = this.parent[node]!;
    }
    return node;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = this.size[ra]! + this.size[rb]!;
  }

  /** Sets of at least `minSize` elements, each as ascending indexes, ordered by their smallest index. */
  groups(minSize: number): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      if (this.size[this.find(i)]! < minSize) continue;
      const root = this.find(i);
      let group = byRoot.get(root);
      if (!group) {
        group = [];
        byRoot.set(root, group);
      }
      group.push(i);
    }
    return [...byRoot.values()];
  }
}
