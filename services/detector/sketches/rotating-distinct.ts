import { HyperLogLog } from './hyperloglog.ts';

export interface RotatingDistinctSnapshot {
  generationStart: number;
  adds: [number, number];
  current: string;
  previous: string;
}

/**
 * Distinct count over the last one to two generations of event time: two HyperLogLogs, the older dropped when a
 * new generation starts. Also counts the additions in the same span, for ratios such as distinct/requests.
 */
export class RotatingDistinct {
  private current: HyperLogLog;
  private previous: HyperLogLog;
  /** -1: no generation yet (event times are after 2000, so never adjacent to it). */
  private generationStart = -1;
  private currentAdds = 0;
  private previousAdds = 0;

  constructor(
    readonly p: number,
    readonly generationMs: number,
  ) {
    this.current = new HyperLogLog(p);
    this.previous = new HyperLogLog(p);
  }

  /** Rotates generations up to event time `ts` (out-of-order events never rotate backwards). */
  private rotateTo(ts: number): void {
    const start = Math.floor(ts / this.generationMs) * this.generationMs;
    if (start <= this.generationStart) return;
    if (start - this.generationStart === this.generationMs) {
      const retired = this.previous;
      retired.clear();
      this.previous = this.current;
      this.current = retired;
      this.previousAdds = this.currentAdds;
    } else {
      this.current.clear();
      this.previous.clear();
      this.previousAdds = 0;
    }
    this.currentAdds = 0;
    this.generationStart = start;
  }

  add(hash: number, ts: number): void {
    this.rotateTo(ts);
    this.current.add(hash);
    this.currentAdds++;
  }

  /** Adds raw token hashes (mixed here) as one item, e.g. the words of one prompt. */
  addAll(hashes: Int32Array, count: number, ts: number): void {
    this.rotateTo(ts);
    this.current.addAllMixed(hashes, count);
    this.currentAdds++;
  }

  /** Additions counted without a new distinct value (e.g. requests behind a token-level sketch). */
  countOnly(ts: number): void {
    this.rotateTo(ts);
    this.currentAdds++;
  }

  distinct(): number {
    return this.current.unionEstimate(this.previous);
  }

  /** Distinct values of the current generation that the previous one had not seen. */
  newDistinct(): number {
    return Math.max(0, this.distinct() - this.previous.estimate());
  }

  adds(): number {
    return this.currentAdds + this.previousAdds;
  }

  currentGenerationAdds(): number {
    return this.currentAdds;
  }

  snapshot(): RotatingDistinctSnapshot {
    return {
      generationStart: this.generationStart,
      adds: [this.currentAdds, this.previousAdds],
      current: this.current.snapshot(),
      previous: this.previous.snapshot(),
    };
  }

  static restore(p: number, generationMs: number, s: RotatingDistinctSnapshot): RotatingDistinct {
    const out = new RotatingDistinct(p, generationMs);
    out.generationStart = s.generationStart;
    [out.currentAdds, out.previousAdds] = s.adds;
    out.current = HyperLogLog.restore(p, s.current);
    out.previous = HyperLogLog.restore(p, s.previous);
    return out;
  }
}
