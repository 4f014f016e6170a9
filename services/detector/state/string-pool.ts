/**
 * Reference-counted interned strings, so many idle keys of one organisation, model or endpoint share one copy of
 * each string (an event's strings are fresh copies from JSON.parse). A string is forgotten when its last holder
 * releases it, so a flood of distinct values costs no more than the holders that keep them.
 */
export class StringPool {
  private readonly ids = new Map<string, number>();
  private readonly strings: Array<string | undefined> = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];

  /** The id of `value`, counting one more holder. */
  hold(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.free.pop() ?? this.strings.length;
      this.ids.set(value, id);
      this.strings[id] = value;
      this.refs[id] = 0;
    }
    this.refs[id]! += 1;
    return id;
  }

  get(id: number): string {
    const value = this.strings[id];
    if (value === undefined) throw new RangeError(`string pool: no string ${id}`);
    return value;
  }

  /** One holder of `id` fewer; the string is forgotten with its last holder. */
  release(id: number): void {
    const left = (this.refs[id] ?? 0) - 1;
    if (left > 0) {
      this.refs[id] = left;
      return;
    }
    this.ids.delete(this.get(id));
    this.strings[id] = undefined;
    this.refs[id] = 0;
    this.free.push(id);
  }

  /** Distinct strings held. */
  get size(): number {
    return this.ids.size;
  }
}
