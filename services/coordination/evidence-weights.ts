/**
 * Base strength of one shared value by kind: a shared template is the strongest single sign of one operator, a
 * system prompt or an overlapping vocabulary next; infrastructure and timing only rank a cluster content formed.
 */
const BASE_WEIGHT: Record<string, number> = { t: 0.7, s: 0.6, v: 0.5, p: 0.6, a: 0.5, h: 0.4, m: 0.4 };

function kindOf(token: string): string {
  return token.slice(0, token.indexOf(':'));
}

export function baseWeight(token: string): number {
  return BASE_WEIGHT[kindOf(token)] ?? 0;
}

/** A value carried by more than this share of all tracked orgs is common however few they are. */
const RARE_ORG_SHARE = 0.2;

export interface RarityScale {
  /** Orgs carrying a value up to which it counts as rare (full weight). */
  rareOrgs: number;
  /** Distinct orgs tracked in all. */
  orgs: number;
}

/**
 * How telling a value is, from how many distinct orgs of the WHOLE population carry it (the group's own orgs
 * included, so the many users of one SDK prompt cannot vouch for each other): 1 up to `rareOrgs`, then decaying
 * with the count and, as a share of all orgs, steeply, so a young index does not take a popular value for a rare one.
 */
export function rarity(orgsWith: number, scale: RarityScale): number {
  const byCount = orgsWith <= scale.rareOrgs ? 1 : Math.sqrt(scale.rareOrgs / orgsWith);
  const share = scale.orgs > 0 ? orgsWith / scale.orgs : 0;
  const byShare = share <= RARE_ORG_SHARE ? 1 : RARE_ORG_SHARE / share;
  return Math.min(byCount, byShare);
}
