/** The detector's in-memory stores that have a size cap. */
export type CappedStore = 'active_keys' | 'compacted_keys' | 'orgs' | 'cohorts';

/** Most entries each store of one pipeline (one source partition) holds. */
export interface StateCaps {
  activeKeys: number;
  compactedKeys: number;
  orgs: number;
  cohorts: number;
}

/** Called once per eviction round: `evicted` entries of `store` made room under its `cap`. */
export type CapEvictionListener = (store: CappedStore, evicted: number, cap: number) => void;

export interface StateLimits {
  caps: StateCaps;
  onCapEviction?: CapEvictionListener | undefined;
}

/** A store over its cap sheds this share of the cap at once, so eviction rounds (and their logs) stay rare. */
export const CAP_EVICT_FRACTION = 0.1;

export const NO_CAPS: StateCaps = {
  activeKeys: Number.MAX_SAFE_INTEGER,
  compactedKeys: Number.MAX_SAFE_INTEGER,
  orgs: Number.MAX_SAFE_INTEGER,
  cohorts: Number.MAX_SAFE_INTEGER,
};

/** Entries left after a round that evicts from a store holding `cap` entries. */
export const sizeAfterEviction = (cap: number) => cap - Math.floor(cap * CAP_EVICT_FRACTION);

/** The `count` least recently seen keys of `entries` (ties broken by key, so every run evicts the same ones). */
export function leastRecentlySeen<V>(entries: Map<string, V>, lastSeen: (v: V) => number, count: number): string[] {
  return [...entries]
    .sort(([ka, a], [kb, b]) => lastSeen(a) - lastSeen(b) || (ka < kb ? -1 : 1))
    .slice(0, count)
    .map(([key]) => key);
}
