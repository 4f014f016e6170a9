/** Something with an event time, from one of several sorted streams. */
export interface Timed {
  ts: number;
}

interface HeapEntry<T> {
  item: T;
  source: number;
  iterator: Iterator<T>;
}

function before<T extends Timed>(a: HeapEntry<T>, b: HeapEntry<T>): boolean {
  return a.item.ts < b.item.ts || (a.item.ts === b.item.ts && a.source < b.source);
}

/** Binary min-heap ordered by (ts, source index), so ties break deterministically. */
class EntryHeap<T extends Timed> {
  private readonly entries: HeapEntry<T>[] = [];

  get size(): number {
    return this.entries.length;
  }

  push(entry: HeapEntry<T>): void {
    const e = this.entries;
    e.push(entry);
    let i = e.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e[i]!, e[parent]!)) break;
      [e[i], e[parent]] = [e[parent]!, e[i]!];
      i = parent;
    }
  }

  pop(): HeapEntry<T> {
    const e = this.entries;
    const top = e[0]!;
    const last = e.pop()!;
    if (e.length > 0) {
      e[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(start: number): void {
    const e = this.entries;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < e.length && before(e[l]!, e[m]!)) m = l;
      if (r < e.length && before(e[r]!, e[m]!)) m = r;
      if (m === i) return;
      [e[i], e[m]] = [e[m]!, e[i]!];
      i = m;
    }
  }
}

/** Merges streams that are each sorted by `ts` into one stream in global `ts` order. */
export function* mergeByTime<T extends Timed>(sources: Iterable<T>[]): Generator<T> {
  const heap = new EntryHeap<T>();
  sources.forEach((source, index) => {
    const iterator = source[Symbol.iterator]();
    const first = iterator.next();
    if (!first.done) heap.push({ item: first.value, source: index, iterator });
  });
  while (heap.size > 0) {
    const entry = heap.pop();
    yield entry.item;
    const next = entry.iterator.next();
    if (!next.done) heap.push({ item: next.value, source: entry.source, iterator: entry.iterator });
  }
}
