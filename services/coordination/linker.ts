import type { EvidenceIndex } from './evidence-index.ts';
import { tokenWeight } from './evidence-weights.ts';
import { UnionFind } from './union-find.ts';

export interface LinkOptions {
  linkThreshold: number;
  rareBackgroundKeys: number;
  minClusterSize: number;
}

/**
 * One linking pass: every bucket of keys sharing a cross-dimension evidence combination whose summed, rarity-
 * weighted strength reaches the threshold links all its keys (each pair in it has at least that evidence).
 * Returns the connected components of at least `minClusterSize` keys. Costs in proportion to shared buckets,
 * not to the number of tracked keys.
 */
export function linkKeys(index: EvidenceIndex, options: LinkOptions): string[][] {
  const linked: Array<Set<string>> = [];
  const position = new Map<string, number>();
  for (const bucket of index.shared.values()) {
    const size = bucket.members.size;
    let weight = 0;
    for (const token of bucket.tokens) {
      weight += tokenWeight(token, index.keysWith(token), size, options.rareBackgroundKeys);
    }
    if (weight < options.linkThreshold) continue;
    linked.push(bucket.members);
    for (const member of bucket.members) if (!position.has(member)) position.set(member, position.size);
  }
  const sets = new UnionFind(position.size);
  for (const members of linked) {
    let first = -1;
    for (const member of members) {
      const at = position.get(member)!;
      if (first < 0) first = at;
      else sets.union(first, at);
    }
  }
  const keys = [...position.keys()];
  return sets.groups(options.minClusterSize).map((group) => group.map((i) => keys[i]!));
}
