import type { EvidenceIndex } from './evidence-index.ts';
import { type RarityScale, rarity } from './evidence-weights.ts';
import type { KeyEvidence } from './key-evidence.ts';

/** The value of one kind that most members of a group share, and how telling it is. */
export interface SharedValue {
  token: string;
  /** Members carrying it. */
  keys: number;
  /** Keys outside the group carrying it. */
  background: number;
  /** Distinct orgs of the whole population carrying it. */
  orgs: number;
  /** Member coverage × rarity over all orgs, 0–1. */
  strength: number;
}

const DIMENSION_OF_KIND: Record<string, keyof KeyEvidence> = { t: 'content', s: 'content', v: 'content' };

/** The `limit` most common values of one kind (`t`, `s`, `v`, `a`, `p`) among the members, each held by ≥ 2 of them. */
export function topSharedValues(
  members: readonly KeyEvidence[],
  kind: string,
  index: EvidenceIndex,
  scale: RarityScale,
  limit: number,
): SharedValue[] {
  const counts = new Map<string, number>();
  const prefix = `${kind}:`;
  const dimension = DIMENSION_OF_KIND[kind] ?? 'infra';
  for (const e of members) {
    for (const token of e[dimension]) {
      if (token.startsWith(prefix)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  // Most members first; ties go to the smaller value, so the choice does not depend on insertion order.
  return [...counts]
    .filter(([, keys]) => keys >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([token, keys]) => {
      const background = Math.max(0, index.keysWith(token) - keys);
      const orgs = index.orgsWith(token);
      return { token, keys, background, orgs, strength: (keys / members.length) * rarity(orgs, scale) };
    });
}
