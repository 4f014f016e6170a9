/**
 * A Map bounded to `capacity` entries: setting a new key beyond the bound evicts the least recently used one.
 * `get` and `set` count as use; `peek` and iteration do not. Evictions are counted and reported to `onEvict`.
 */
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #onEvict: ((key: K, value: V) => void) | undefined;
  #evictions = 0;

  constructor(
    readonly capacity: number,
    onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LruMap capacity ${capacity} must be ≥ 1`);
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries evicted for room since construction. */
  get evictions(): number {
    return this.#evictions;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
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
    while (this.#entries.size > this.capacity) this.#evictOldest();
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done) return;
    const value = this.#entries.get(oldest.value) as V;
    this.#entries.delete(oldest.value);
    this.#evictions += 1;
    this.#onEvict?.(oldest.value, value);
  }
}
