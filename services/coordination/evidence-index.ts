import { evidenceCombinations, type KeyEvidence } from './key-evidence.ts';

/** Two or more keys that share one combination of evidence values. */
export interface EvidenceBucket {
  tokens: string[];
  members: Set<string>;
}

/**
 * Inverted indexes maintained incrementally as keys change: how many keys carry each evidence value (its
 * document frequency, for rarity) and which keys share each cross-dimension combination of values. A combination
 * held by one key only (the vast majority) is kept as a bare string, so a pass walks shared buckets only.
 */
export class EvidenceIndex {
  private readonly frequency = new Map<string, number>();
  private readonly single = new Map<string, string>();
  readonly shared = new Map<string, EvidenceBucket>();

  add(apiKeyId: string, evidence: KeyEvidence): void {
    for (const token of tokensOf(evidence)) this.frequency.set(token, (this.frequency.get(token) ?? 0) + 1);
    for (const tokens of evidenceCombinations(evidence)) {
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
    for (const token of tokensOf(evidence)) {
      const left = (this.frequency.get(token) ?? 1) - 1;
      if (left > 0) this.frequency.set(token, left);
      else this.frequency.delete(token);
    }
    for (const tokens of evidenceCombinations(evidence)) {
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
    return this.frequency.get(token) ?? 0;
  }

  /** Combinations held by exactly one key and by several keys, for measuring the index. */
  get sizes(): { single: number; shared: number } {
    return { single: this.single.size, shared: this.shared.size };
  }
}

function tokensOf(e: KeyEvidence): string[] {
  return [...e.content, ...e.infra, ...e.timing];
}
