import { appendedFields, decodeArray, encodeArray } from './codec.ts';

/** Weights are rescaled before they could lose precision. */
const RESCALE_ABOVE = 2 ** 40;

export interface DecayedSumsSnapshot {
  landmark: number;
  sums: string;
}

/**
 * Exponentially decayed sums in event time, O(1) per update: instead of shrinking every sum, each new value is
 * weighted 2^((ts − landmark) / halfLife), and all sums are rescaled when weights grow large. Only ratios of sums
 * (shares, means) are meaningful, and those are exactly the decayed ratios.
 */
export class DecayedSums {
  private landmark = -1;
  private readonly sums: Float64Array;

  /** `storage`: `fields` zeroed doubles to use (a view into a key's one buffer); default a new array. */
  constructor(
    readonly fields: number,
    readonly halfLifeMs: number,
    storage?: Float64Array,
  ) {
    this.sums = storage ?? new Float64Array(fields);
  }

  /** The weight of an event at time `ts`; call once per event and pass it to `add`. */
  weight(ts: number): number {
    if (this.landmark < 0) this.landmark = ts;
    const w = 2 ** ((ts - this.landmark) / this.halfLifeMs);
    if (w <= RESCALE_ABOVE) return w;
    for (let i = 0; i < this.fields; i++) this.sums[i]! /= w;
    this.landmark = ts;
    return 1;
  }

  add(field: number, weightedValue: number): void {
    this.sums[field]! += weightedValue;
  }

  get(field: number): number {
    return this.sums[field]!;
  }

  /** sums[numerator] / sums[denominator], or `fallback` when the denominator is empty. */
  ratio(numerator: number, denominator: number, fallback = 0): number {
    const d = this.sums[denominator]!;
    return d > 0 ? this.sums[numerator]! / d : fallback;
  }

  snapshot(): DecayedSumsSnapshot {
    return { landmark: this.landmark, sums: encodeArray(this.sums) };
  }

  /** Sets these sums to a snapshot; one written before fields were appended loads with the new fields at 0. */
  load(s: DecayedSumsSnapshot): void {
    const stored = appendedFields(decodeArray(Float64Array, s.sums), this.fields, 'decayed sums snapshot');
    for (let i = 0; i < this.fields; i++) this.sums[i] = stored[i] ?? 0;
    this.landmark = s.landmark;
  }

  static restore(fields: number, halfLifeMs: number, s: DecayedSumsSnapshot): DecayedSums {
    const out = new DecayedSums(fields, halfLifeMs);
    out.load(s);
    return out;
  }
}
