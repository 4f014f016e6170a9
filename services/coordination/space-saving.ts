/** One tracked value: `count` may overestimate by at most `error` (Space-Saving guarantee). */
export interface CountedValue {
  value: string;
  count: number;
  error: number;
}

/**
 * Space-Saving top-k over strings: bounded to `capacity` entries; a new value evicts the smallest and inherits its
 * count as error, so `count - error` is a guaranteed lower bound used for evidence.
 */
export class SpaceSaving {
  readonly capacity: number;
  readonly entries: CountedValue[];

  constructor(capacity: number, entries: CountedValue[] = []) {
    this.capacity = capacity;
    this.entries = entries.slice(0, capacity).map((e) => ({ ...e }));
  }

  add(value: string, weight = 1): void {
    // A loop, not `find`: three of these run per event, and a callback per call is an allocation each.
    for (const e of this.entries) {
      if (e.value === value) {
        e.count += weight;
        return;
      }
    }
    if (this.entries.length < this.capacity) {
      this.entries.push({ value, count: weight, error: 0 });
      return;
    }
    const smallest = this.smallest();
    smallest.error = smallest.count;
    smallest.count += weight;
    smallest.value = value;
  }

  /** Values whose guaranteed count reaches `minCount`, most frequent first (ties by value, for determinism). */
  frequent(minCount: number): CountedValue[] {
    return this.entries
      .filter((e) => e.count - e.error >= minCount)
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  }

  private smallest(): CountedValue {
    let min = this.entries[0]!;
    for (const e of this.entries) if (e.count < min.count) min = e;
    return min;
  }
}
