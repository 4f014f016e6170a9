import { LruMap } from '../../common/lru-map.ts';
import type { MapChanges } from './map-changes.ts';
import { CAP_EVICT_FRACTION, type CapEvictionListener, type CappedStore } from './state-caps.ts';

/**
 * Values `V` by name (organisation, cohort) in an LRU map: past `cap` names the least recently used are forgotten, and
 * each change is recorded in `changes` for the next delta checkpoint, which holds a value as its snapshot `S`.
 */
export abstract class CappedRegistry<V, S> {
  protected readonly map: LruMap<string, V>;

  constructor(
    store: CappedStore,
    cap = Number.MAX_SAFE_INTEGER,
    onCapEviction?: CapEvictionListener,
    protected readonly changes?: MapChanges,
  ) {
    this.map = new LruMap(cap, {
      evictFraction: CAP_EVICT_FRACTION,
      onEvict: (evicted) => onCapEviction?.(store, evicted, cap),
      onEvictKey: (name) => changes?.delete(name),
    });
  }

  protected abstract readonly create: () => V;
  protected abstract readonly snapshotOf: (value: V) => S;
  protected abstract readonly restore: (snapshot: S) => V;

  /** The value of `name` (created when new), marked used and counted as changed. */
  protected use(name: string): V {
    this.changes?.insert(name);
    let value = this.map.get(name);
    if (!value) {
      value = this.create();
      this.map.set(name, value);
    }
    return value;
  }

  get size(): number {
    return this.map.size;
  }

  /** Names forgotten to stay under the cap since this registry was built. */
  get capEvictions(): number {
    return this.map.evictions;
  }

  /** `[name, snapshot]` of the named values (every one, in LRU order, without `ids`), one at a time. */
  *entries(ids?: Iterable<string>): Generator<[string, S]> {
    for (const name of ids ?? this.map.keys()) yield [name, this.snapshotOf(this.map.peek(name) as V)];
  }

  /** Replays a delta checkpoint: forgets `removed`, then (re)inserts `written` in order. */
  applyChanges(removed: readonly string[], written: ReadonlyArray<readonly [string, S]>): void {
    for (const name of removed) this.map.delete(name);
    for (const [name, snapshot] of written) this.map.set(name, this.restore(snapshot));
  }
}
