/** Whether change tracking runs: off until the first checkpoint (replay never pays for it). */
export interface Tracking {
  on: boolean;
}

/**
 * The entries of one Map changed since the last checkpoint, so a delta checkpoint holds only those. `removed`: keys
 * deleted or moved to the end (re-inserted; LRU use); `touched`: keys whose value is written again, in the order of
 * their last insertion. Replaying a delta (delete `removed`, then set `touched` in order) rebuilds the Map with the
 * same entries in the same iteration order, which eviction and sweeps depend on.
 */
export class MapChanges {
  readonly touched = new Set<string>();
  readonly removed = new Set<string>();

  constructor(private readonly tracking: Tracking) {}

  /** The value changed in place (the key keeps its position). */
  update(key: string): void {
    if (this.tracking.on) this.touched.add(key);
  }

  /** The key was (re)inserted at the end of the Map. */
  insert(key: string): void {
    if (!this.tracking.on) return;
    this.removed.add(key);
    this.touched.delete(key);
    this.touched.add(key);
  }

  delete(key: string): void {
    if (!this.tracking.on) return;
    this.touched.delete(key);
    this.removed.add(key);
  }

  get size(): number {
    return this.touched.size + this.removed.size;
  }

  clear(): void {
    this.touched.clear();
    this.removed.clear();
  }
}

/** Changes of every Map of a detector pipeline's state since its last checkpoint. */
export class StateChanges {
  readonly tracking: Tracking = { on: false };
  readonly active = new MapChanges(this.tracking);
  readonly compacted = new MapChanges(this.tracking);
  readonly orgs = new MapChanges(this.tracking);
  readonly cohorts = new MapChanges(this.tracking);

  /** A checkpoint now holds the whole state: changes are counted from here on. */
  restart(): void {
    this.tracking.on = true;
    for (const m of [this.active, this.compacted, this.orgs, this.cohorts]) m.clear();
  }
}
