import { type KeyEvidence, linkCombinations, sameEvidence } from './key-evidence.ts';

/** Two or more keys that share one pair of content values. */
export interface EvidenceBucket {
  tokens: string[];
  members: Set<string>;
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/**
 * Inverted indexes maintained incrementally as keys change: how many keys and distinct orgs of the whole population
 * carry each evidence value (its rarity), and which keys share each pair of content values (the link buckets). A
 * pair held by one key only (the vast majority) is kept as a bare string, so a pass walks shared buckets only.
 */
export class EvidenceIndex {
  private readonly keys = new Map<string, number>();
  /** Per value, keys carrying it per org. */
  private readonly orgs = new Map<string, Map<string, number>>();
  /** Keys tracked per org, for the population's org count. */
  private readonly keysOfOrg = new Map<string, number>();
  private readonly orgOfKey = new Map<string, string>();
  private readonly single = new Map<string, string>();
  readonly shared = new Map<string, EvidenceBucket>();

  add(apiKeyId: string, orgId: string, evidence: KeyEvidence): void {
    this.orgOfKey.set(apiKeyId, orgId);
    increment(this.keysOfOrg, orgId, 1);
    for (const token of tokensOf(evidence)) this.count(token, orgId, 1);
    for (const tokens of linkCombinations(evidence)) this.join(tokens.join('|'), tokens, apiKeyId);
  }

  remove(apiKeyId: string, evidence: KeyEvidence): void {
    const orgId = this.orgOfKey.get(apiKeyId);
    if (orgId === undefined) return;
    this.orgOfKey.delete(apiKeyId);
    increment(this.keysOfOrg, orgId, -1);
    for (const token of tokensOf(evidence)) this.count(token, orgId, -1);
    for (const tokens of linkCombinations(evidence)) this.leave(tokens.join('|'), apiKeyId);
  }

  /**
   * Moves a key of an unchanged org from `before` to `after`, touching only the values and pairs that differ: a key's
   * evidence changes little between linking passes (often not at all). Counts, buckets and rarities end as `remove`
   * then `add` would leave them; only the order of a bucket's members may differ, which linking does not depend on
   * (`linkKeys` sorts what it returns).
   */
  replace(apiKeyId: string, orgId: string, before: KeyEvidence, after: KeyEvidence): void {
    if (this.orgOfKey.get(apiKeyId) !== orgId) {
      this.remove(apiKeyId, before);
      this.add(apiKeyId, orgId, after);
      return;
    }
    if (sameEvidence(before, after)) return;
    const delta = new Map<string, number>();
    for (const token of tokensOf(before)) delta.set(token, (delta.get(token) ?? 0) - 1);
    for (const token of tokensOf(after)) delta.set(token, (delta.get(token) ?? 0) + 1);
    for (const [token, by] of delta) if (by !== 0) this.count(token, orgId, by);
    const kept = new Set<string>();
    const joined: Array<[string, string[]]> = [];
    for (const tokens of linkCombinations(after)) {
      const id = tokens.join('|');
      kept.add(id);
      joined.push([id, tokens]);
    }
    for (const tokens of linkCombinations(before)) {
      const id = tokens.join('|');
      if (!kept.has(id)) this.leave(id, apiKeyId);
    }
    for (const [id, tokens] of joined) this.join(id, tokens, apiKeyId);
  }

  /** Adds `by` keys of `orgId` carrying `token` (negative: removes them). */
  private count(token: string, orgId: string, by: number): void {
    increment(this.keys, token, by);
    let byOrg = this.orgs.get(token);
    if (!byOrg) {
      byOrg = new Map<string, number>();
      this.orgs.set(token, byOrg);
    }
    increment(byOrg, orgId, by);
    if (byOrg.size === 0) this.orgs.delete(token);
  }

  /** Puts the key in the bucket of pair `id` (a no-op when it is there already). */
  private join(id: string, tokens: string[], apiKeyId: string): void {
    const bucket = this.shared.get(id);
    const alone = this.single.get(id);
    if (bucket) bucket.members.add(apiKeyId);
    else if (alone === undefined) this.single.set(id, apiKeyId);
    else if (alone !== apiKeyId) {
      this.single.delete(id);
      this.shared.set(id, { tokens, members: new Set([alone, apiKeyId]) });
    }
  }

  /** Takes the key out of the bucket of pair `id`; a bucket left with one key goes back to `single`. */
  private leave(id: string, apiKeyId: string): void {
    const bucket = this.shared.get(id);
    if (!bucket) {
      if (this.single.get(id) === apiKeyId) this.single.delete(id);
      return;
    }
    bucket.members.delete(apiKeyId);
    if (bucket.members.size > 1) return;
    this.shared.delete(id);
    for (const last of bucket.members) this.single.set(id, last);
  }

  /** Number of keys carrying `token`. */
  keysWith(token: string): number {
    return this.keys.get(token) ?? 0;
  }

  /** Number of distinct orgs whose keys carry `token`, over the whole tracked population. */
  orgsWith(token: string): number {
    return this.orgs.get(token)?.size ?? 0;
  }

  /** Distinct orgs among `apiKeyIds` (tracked keys; untracked ones count for nothing). */
  orgsAmong(apiKeyIds: Iterable<string>): number {
    const orgs = new Set<string>();
    for (const id of apiKeyIds) {
      const org = this.orgOfKey.get(id);
      if (org !== undefined) orgs.add(org);
    }
    return orgs.size;
  }

  /** Distinct orgs tracked. */
  get orgCount(): number {
    return this.keysOfOrg.size;
  }

  /** Pairs held by exactly one key and by several keys, for measuring the index. */
  get sizes(): { single: number; shared: number } {
    return { single: this.single.size, shared: this.shared.size };
  }
}

function tokensOf(e: KeyEvidence): string[] {
  return [...e.content, ...e.infra, ...e.timing];
}
