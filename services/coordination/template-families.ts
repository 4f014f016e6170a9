import { hammingDistance, type PromptFingerprint, popcount32 } from '../common/text/fingerprint.ts';

/**
 * Eight LSH bands of 8 bits: centroids within 7 bits always share a band, and ones 12 bits apart still do with
 * probability above 0.8; each band value becomes one bucket key.
 */
function bandKeys(fp: PromptFingerprint): number[] {
  const keys: number[] = [];
  for (let band = 0; band < 4; band++) {
    keys.push(band * 256 + ((fp.hi >>> (band * 8)) & 255), (band + 4) * 256 + ((fp.lo >>> (band * 8)) & 255));
  }
  return keys;
}

export interface FamilyLeader {
  id: number;
  fp: PromptFingerprint;
  refs: number;
}

/**
 * Global template families: the first centroid of a family is its leader, later centroids within `radius` bits
 * of a leader (found through LSH band buckets) join it. Leaders without members are dropped.
 */
export class TemplateFamilies {
  private readonly radius: number;
  private readonly leaders = new Map<number, FamilyLeader>();
  /** Per band value, the leaders in it as flat [id, hi, lo] triples: a lookup touches no map per candidate. */
  private readonly buckets: number[][] = Array.from({ length: 8 * 256 }, () => []);
  private nextId: number;

  constructor(radius: number, leaders: Array<{ id: number; fp: PromptFingerprint }> = [], nextId = 1) {
    this.radius = radius;
    this.nextId = nextId;
    for (const l of leaders) this.addLeader(l.id, l.fp);
  }

  /** Family of `fp`: keeps `previous` while still within radius (stable ids), else the nearest leader or a new one. */
  assign(fp: PromptFingerprint, previous: number | null): number {
    const kept = previous === null ? undefined : this.leaders.get(previous);
    if (kept && hammingDistance(kept.fp, fp) <= this.radius) return this.retain(kept.id);
    const nearest = this.nearest(fp);
    if (nearest !== null) return this.retain(nearest);
    const id = this.nextId++;
    this.addLeader(id, fp);
    return this.retain(id);
  }

  /** Drops one membership; the leader goes when its last member leaves. */
  release(id: number): void {
    const leader = this.leaders.get(id);
    if (!leader) return;
    leader.refs--;
    if (leader.refs > 0) return;
    this.leaders.delete(id);
    for (const band of bandKeys(leader.fp)) {
      const bucket = this.buckets[band]!;
      for (let i = 0; i < bucket.length; i += 3) {
        if (bucket[i] === id) {
          bucket.splice(i, 3);
          break;
        }
      }
    }
  }

  /** Counts a restored membership; false when the family is unknown. */
  adopt(id: number): boolean {
    const leader = this.leaders.get(id);
    if (leader) leader.refs++;
    return leader !== undefined;
  }

  leader(id: number): FamilyLeader | undefined {
    return this.leaders.get(id);
  }

  get size(): number {
    return this.leaders.size;
  }

  toJSON(): { nextId: number; leaders: Array<{ id: number; hi: number; lo: number }> } {
    const leaders = [...this.leaders.values()].map((l) => ({ id: l.id, hi: l.fp.hi, lo: l.fp.lo }));
    return { nextId: this.nextId, leaders };
  }

  private retain(id: number): number {
    this.leaders.get(id)!.refs++;
    return id;
  }

  /** Nearest leader within radius among those sharing a band; ties go to the oldest id (order-independent). */
  private nearest(fp: PromptFingerprint): number | null {
    let best: number | null = null;
    let bestDistance = this.radius + 1;
    for (const band of bandKeys(fp)) {
      const bucket = this.buckets[band]!;
      for (let i = 0; i < bucket.length; i += 3) {
        const id = bucket[i]!;
        const d = popcount32((bucket[i + 1]! ^ fp.hi) >>> 0) + popcount32((bucket[i + 2]! ^ fp.lo) >>> 0);
        if (d < bestDistance || (d === bestDistance && best !== null && id < best)) {
          best = id;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  private addLeader(id: number, fp: PromptFingerprint): void {
    const leader = { id, fp: { hi: fp.hi >>> 0, lo: fp.lo >>> 0 }, refs: 0 };
    this.leaders.set(id, leader);
    for (const band of bandKeys(leader.fp)) this.buckets[band]!.push(id, leader.fp.hi, leader.fp.lo);
  }
}
