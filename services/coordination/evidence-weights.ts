import type { EvidenceDimension } from './key-evidence.ts';

/**
 * Base strength of one shared value by kind: a shared template is the strongest single sign of one operator; an
 * ASN is so coarse that only a rare one next to a rare template links keys without a third kind of evidence.
 */
const BASE_WEIGHT: Record<string, number> = { t: 0.7, s: 0.6, p: 0.6, a: 0.35, h: 0.4, m: 0.4 };
const DIMENSION: Record<string, EvidenceDimension> = {
  t: 'content',
  s: 'content',
  a: 'infra',
  p: 'infra',
  h: 'timing',
  m: 'timing',
};

function kindOf(token: string): string {
  return token.slice(0, token.indexOf(':'));
}

export function dimensionOf(token: string): EvidenceDimension {
  return DIMENSION[kindOf(token)]!;
}

/**
 * How telling a value shared by a group is, from how many keys outside the group carry it too: up to
 * `rareBackground` it is rare (1); a big cloud ASN or a public SDK prompt carried by thousands decays towards 0.
 */
export function rarity(background: number, rareBackground: number): number {
  return background <= rareBackground ? 1 : Math.sqrt(rareBackground / background);
}

/**
 * Weight of `token` shared by `groupSize` keys when `keysWith` keys carry it in all. Timing values (24 peak hours)
 * are common by construction, so they keep their base weight and only count next to other evidence.
 */
export function tokenWeight(token: string, keysWith: number, groupSize: number, rareBackground: number): number {
  const base = BASE_WEIGHT[kindOf(token)] ?? 0;
  if (dimensionOf(token) === 'timing') return base;
  return base * rarity(Math.max(0, keysWith - groupSize), rareBackground);
}
