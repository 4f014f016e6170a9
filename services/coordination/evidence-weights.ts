import type { EvidenceDimension } from './key-evidence.ts';

/**
 * Base strength of one shared value by kind: a shared template is the strongest single sign of one operator; a
 * rare template or system prompt plus a rare network or ASN links keys, timing only adds to other evidence.
 */
const BASE_WEIGHT: Record<string, number> = { t: 0.7, s: 0.6, p: 0.6, a: 0.5, h: 0.4, m: 0.4 };
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

/** A value carried by more than this share of all tracked keys outside a group is common however few they are. */
const RARE_SHARE = 0.02;

export interface RarityScale {
  /** Keys outside a group up to which a shared value counts as rare. */
  rareBackgroundKeys: number;
  /** Keys tracked in all. */
  population: number;
}

/**
 * How telling a value shared by a group is, from how many keys outside the group carry it too: up to
 * `rareBackground` it is rare (1); a big cloud ASN or a public SDK prompt carried by thousands decays towards 0.
 * Linking judges by count only, because a bucket holds only part of its group and the rest would count against it.
 */
export function countRarity(background: number, rareBackground: number): number {
  return background <= rareBackground ? 1 : Math.sqrt(rareBackground / background);
}

/**
 * Rarity of a value outside a whole linked group, by count and as a share of all tracked keys, so a young, small
 * index does not take a public SDK prompt carried by a fifth of its keys for a rare one.
 */
export function rarity(background: number, scale: RarityScale): number {
  const share = scale.population > 0 ? background / scale.population : 0;
  const relative = share <= RARE_SHARE ? 1 : Math.sqrt(RARE_SHARE / share);
  return Math.min(countRarity(background, scale.rareBackgroundKeys), relative);
}

/**
 * Weight of `token` shared by `groupSize` keys when `keysWith` keys carry it in all. Timing values (24 peak hours)
 * are common by construction, so they keep their base weight and only count next to other evidence.
 */
export function tokenWeight(token: string, keysWith: number, groupSize: number, rareBackground: number): number {
  const base = BASE_WEIGHT[kindOf(token)] ?? 0;
  if (dimensionOf(token) === 'timing') return base;
  return base * countRarity(Math.max(0, keysWith - groupSize), rareBackground);
}
