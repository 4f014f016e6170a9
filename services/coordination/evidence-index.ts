import { type KeyEvidence, linkCombinations } from './key-evidence.ts';

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
    for (const token of tokensOf(evidence)) {
      increment(this.keys, token, 1);
      const byOrg = this.orgs.get(token) ?? new Map<string, number>();
      this.orgs.set(token, byOrg);
      increment(byOrg, orgId, 1);
    }
    for (const tokens of linkCombinations(evidence)) {
      const id = tokens.join('|');
      const bucket = this.shared.get(id);
      const alone = this.single.get(id);
      if (bucket) bucket.members.add(apiKeyId);
      else if (alone === undefined) this.single.set(id, apiKeyId);
      else if (alone !== apiKeyId) {
        this.single.delete(id);
        this.shared.set(id, { tokens, members: new Set([alone, apiKeyId]) });
      }
    }
  }

  remove(apiKeyId: string, evidence: KeyEvidence): void {
    const orgId = this.orgOfKey.get(apiKeyId);
    if (orgId === undefined) return;
    this.orgOfKey.delete(apiKeyId);
    increment(this.keysOfOrg, orgId, -1);
    for (const token of tokensOf(evidence)) {
      increment(this.keys, token, -1);
      const byOrg = this.orgs.get(token);
      if (byOrg) increment(byOrg, orgId, -1);
      if (byOrg?.size === 0) this.orgs.delete(token);
    }
    for (const tokens of linkCombinations(evidence)) {
      const id = tokens.join('|');
      const bucket = this.shared.get(id);
      if (!bucket) {
        if (this.single.get(id) === apiKeyId) this.single.delete(id);
        continue;
      }
      bucket.members.delete(apiKeyId);
      if (bucket.members.size > 1) continue;
      this.shared.delete(id);
      for (const last of bucket.members) this.single.set(id, last);
    }
  }

  /** Number of keys carrying `token`. */
  keysWith(token: string): number {
    return this.keys.get(token) ?? 0;
  }

  /** Number of distinct orgs whose keys carry `token`, over the whole tracked population. */
  orgsWith(token: string): number {
    return this.orgs.get(token)?.size ?? 0;
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
