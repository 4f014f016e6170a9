export interface LruOptions<K = unknown> {
  /** Share of `capacity` evicted at once when it is exceeded (0: just enough), so evictions come in rare rounds. */
  evictFraction?: number;
  /** Called once per eviction round with the number of entries it evicted. */
  onEvict?: (evicted: number) => void;
  /** Called with each evicted key (the detector records it for its next delta checkpoint). */
  onEvictKey?: (key: K) => void;
}

/**
 * A Map bounded to `capacity` entries: setting a new key beyond the bound evicts the least recently used ones.
 * `get` and `set` count as use; `peek` and `keys` do not. Evictions are counted and reported to `onEvict`.
 * Kept for the detector's state caps (population-stats cohorts, org-registry), which evict a share of the capacity
 * in one round and count each round for a metric; lru-cache evicts one entry per insert. Caches that expire entries
 * by age use lru-cache's `ttl` (auth/token-store.ts, api/auth-failure-limit.ts).
 */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #onEvict: ((evicted: number) => void) | undefined;
  readonly #onEvictKey: ((key: K) => void) | undefined;
  readonly #keepAfterEviction: number;
  #evictions = 0;

  constructor(
    readonly capacity: number,
    options: LruOptions<K> = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LruMap capacity ${capacity} must be ≥ 1`);
    this.#onEvict = options.onEvict;
    this.#onEvictKey = options.onEvictKey;
    this.#keepAfterEviction = capacity - Math.floor(capacity * (options.evictFraction ?? 0));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries evicted for room since construction. */
  get evictions(): number {
    return this.#evictions;
  }

  /** The value, marking the key most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value without marking it used. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#evictRound();
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Least recently used first. */
  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  #evictRound(): void {
    let evicted = 0;
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#keepAfterEviction) break;
      this.#entries.delete(key);
      this.#onEvictKey?.(key);
      evicted += 1;
    }
    this.#evictions += evicted;
    this.#onEvict?.(evicted);
  }
}
