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
  /** Member coverage × rarity, 0–1. */
  strength: number;
}

/** Most common value of one kind (`t`, `s`, `a`, `p`) among the members; ties go to the smaller value. */
export function topShared(
  members: readonly KeyEvidence[],
  kind: string,
  index: EvidenceIndex,
  scale: RarityScale,
): SharedValue | null {
  const counts = new Map<string, number>();
  const prefix = `${kind}:`;
  const dimension = kind === 't' || kind === 's' ? 'content' : 'infra';
  for (const e of members) {
    for (const token of e[dimension]) {
      if (token.startsWith(prefix)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  let best: [string, number] | null = null;
  for (const entry of counts) {
    if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  }
  if (!best || best[1] < 2) return null;
  const [token, keys] = best;
  const background = Math.max(0, index.keysWith(token) - keys);
  return { token, keys, background, strength: (keys / members.length) * rarity(background, scale) };
}
