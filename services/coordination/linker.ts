import type { EvidenceIndex } from './evidence-index.ts';
import { baseWeight, type RarityScale, rarity } from './evidence-weights.ts';
import { UnionFind } from './union-find.ts';

export interface LinkOptions {
  /** Summed rarity-weighted strength of the two content values a bucket shares before it links its keys. */
  linkThreshold: number;
  /** Rarity (0–1) each of the two values needs: a popular value cannot make up the pair. */
  minRarity: number;
  minClusterSize: number;
  /** Share of the smaller of two cores that must be the same keys for the cores to be one cluster. */
  coreOverlap: number;
}

/** A linked group: its keys (sorted) and how much of it one shared content pair holds together. */
export interface LinkedGroup {
  members: string[];
  /** Mean over members of the share of the group inside the largest core holding that member (1: one clique). */
  cohesion: number;
}

/** Cores of one key taken into account when merging, largest first: bounds a pass's cost per key. */
const CORES_PER_KEY = 12;

/**
 * Orgs that carry both values of a pair by chance: were the values independent, `orgs × (a / orgs) × (b / orgs)`,
 * plus three standard deviations of that count (Poisson; three, not two, since a pass tests every shared pair and
 * thousands of them would let a few through at two). Two values that each a few percent of all orgs carry (a popular
 * SDK's system prompt, the vocabulary of a common data source) meet in a handful of unrelated orgs; a network meets in
 * many more than that.
 */
export function pairByChance(orgsWithEach: readonly number[], orgs: number): number {
  if (orgs <= 0) return 0;
  const expected = orgsWithEach.reduce((e, n) => e * (n / orgs), orgs);
  return expected + 3 * Math.sqrt(expected);
}

/**
 * Buckets whose content pair is strong and rare enough, with at least `minClusterSize` keys, in more orgs than carry
 * the pair by chance (`pairByChance`): cliques.
 */
function findCores(index: EvidenceIndex, scale: RarityScale, o: LinkOptions): Array<Set<string>> {
  const cores: Array<{ id: string; members: Set<string> }> = [];
  for (const [id, bucket] of index.shared) {
    if (bucket.members.size < o.minClusterSize) continue;
    let weight = 0;
    let rare = true;
    const carriers: number[] = [];
    for (const token of bucket.tokens) {
      const orgs = index.orgsWith(token);
      const r = rarity(orgs, scale);
      carriers.push(orgs);
      rare &&= r >= o.minRarity;
      weight += baseWeight(token) * r;
    }
    if (!rare || weight < o.linkThreshold) continue;
    if (index.orgsAmong(bucket.members) <= pairByChance(carriers, index.orgCount)) continue;
    cores.push({ id, members: bucket.members });
  }
  return cores.sort((a, b) => b.members.size - a.members.size || (a.id < b.id ? -1 : 1)).map((c) => c.members);
}

/** Cores containing each key, largest first (cores are sorted by size). */
function coresOfKeys(cores: Array<Set<string>>): Map<string, number[]> {
  const of = new Map<string, number[]>();
  cores.forEach((members, c) => {
    for (const key of members) {
      const list = of.get(key) ?? [];
      of.set(key, list);
      if (list.length < CORES_PER_KEY) list.push(c);
    }
  });
  return of;
}

/** Merges cores that are largely the same keys; a few keys in two cores (a weak link) never merge them. */
function mergeCores(cores: Array<Set<string>>, of: Map<string, number[]>, overlap: number): UnionFind {
  const shared = new Map<number, number>();
  for (const list of of.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const pair = list[i]! * cores.length + list[j]!;
        shared.set(pair, (shared.get(pair) ?? 0) + 1);
      }
    }
  }
  const sets = new UnionFind(cores.length);
  for (const [pair, count] of shared) {
    const a = Math.floor(pair / cores.length);
    const b = pair % cores.length;
    if (count >= 2 && count >= overlap * Math.min(cores[a]!.size, cores[b]!.size)) sets.union(a, b);
  }
  return sets;
}

/** The cluster (named by its first, largest core) whose cores hold `list`'s key most; ties go to the larger core. */
function bestCluster(list: number[], cores: Array<Set<string>>, clusterOf: (core: number) => number): number {
  const weight = new Map<number, number>();
  for (const c of list) weight.set(clusterOf(c), (weight.get(clusterOf(c)) ?? 0) + cores[c]!.size);
  let best = -1;
  for (const [cluster, w] of weight) {
    const bestWeight = weight.get(best) ?? -1;
    if (w > bestWeight || (w === bestWeight && cluster < best)) best = cluster;
  }
  return best;
}

/**
 * One linking pass: keys sharing a rare pair of content values from independent sketches form cores (cliques);
 * cores that are mostly the same keys merge; a key in cores of several clusters joins the one whose cores hold
 * it most. Infrastructure and schedule never link. Costs in proportion to shared buckets, not to tracked keys.
 */
export function linkKeys(index: EvidenceIndex, scale: RarityScale, o: LinkOptions): LinkedGroup[] {
  const cores = findCores(index, scale, o);
  const of = coresOfKeys(cores);
  const sets = mergeCores(cores, of, o.coreOverlap);
  // Each cluster is named by its largest core, so ties resolve the same whatever order the unions ran in.
  const label = new Map<number, number>();
  cores.forEach((_, c) => {
    if (!label.has(sets.find(c))) label.set(sets.find(c), c);
  });
  const clusterOf = (c: number) => label.get(sets.find(c))!;
  const groups = new Map<number, Array<{ key: string; largest: number }>>();
  for (const [key, list] of of) {
    const best = bestCluster(list, cores, clusterOf);
    // Cores are sorted largest first, so the first of the chosen cluster is the largest holding the key.
    const largest = cores[list.find((c) => clusterOf(c) === best)!]!.size;
    const group = groups.get(best) ?? [];
    groups.set(best, group);
    group.push({ key, largest });
  }
  const out: LinkedGroup[] = [];
  for (const group of groups.values()) {
    if (group.length < o.minClusterSize) continue;
    const n = group.length;
    group.sort((a, b) => (a.key < b.key ? -1 : 1));
    const cohesion = group.reduce((sum, m) => sum + (Math.min(m.largest, n) - 1) / (n - 1), 0) / n;
    out.push({ members: group.map((m) => m.key), cohesion });
  }
  return out.sort((a, b) => (a.members[0]! < b.members[0]! ? -1 : 1));
}
