import { appendedFields, decodeArray, encodeArray, sketchStorage } from './codec.ts';

/** Weights are rescaled before they could lose precision. */
const RESCALE_ABOVE = 2 ** 40;
type Decaying = { landmark: number; readonly halfLifeMs: number };
type Floats = Float32Array | Float64Array;

/**
 * The forward-decay weight 2^((ts − landmark) / halfLife) of an event at `ts` for a sketch whose decayed values are
 * the `length` from `at` of `values`; the first event sets the landmark. A weight past 2^40 instead divides the values
 * by it and moves the landmark to `ts` (weight 1).
 */
export function decayWeight(sketch: Decaying, ts: number, values: Floats, at: number, length: number): number {
  if (sketch.landmark < 0) sketch.landmark = ts;
  const w = 2 ** ((ts - sketch.landmark) / sketch.halfLifeMs);
  if (w <= RESCALE_ABOVE) return w;
  for (let i = 0; i < length; i++) values[at + i]! /= w;
  sketch.landmark = ts;
  return 1;
}

/** Decayed sums as raw values: the landmark and one double per field (`data` may be a view of other storage). */
export interface DecayedSumsValues {
  landmark: number;
  data: Float64Array;
}

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
  /** Event time the weights are relative to (see `decayWeight`); -1 before the first event. */
  landmark = -1;
  private readonly sums: Float64Array;

  /**
   * `storage` and `at`: the `fields` zeroed doubles from index `at` to use (part of a key's one buffer, shared with
   * its baseline); default a new array.
   */
  constructor(
    readonly fields: number,
    readonly halfLifeMs: number,
    storage?: Float64Array,
    private readonly at = 0,
  ) {
    this.sums = sketchStorage('DecayedSums', Float64Array, fields, storage, at);
  }

  /** The weight of an event at time `ts`; call once per event and pass it to `add`. */
  weight(ts: number): number {
    return decayWeight(this, ts, this.sums, this.at, this.fields);
  }

  add(field: number, weightedValue: number): void {
    this.sums[this.at + field]! += weightedValue;
  }

  get(field: number): number {
    return this.sums[this.at + field]!;
  }

  /** The decayed sum of `field` as of event time `ts` (≥ the last update): events count 1 when new, ½ a half-life later. */
  valueAt(field: number, ts: number): number {
    if (this.landmark < 0) return 0;
    return this.sums[this.at + field]! * 2 ** ((this.landmark - ts) / this.halfLifeMs);
  }

  /** sums[numerator] / sums[denominator], or `fallback` when the denominator is empty. */
  ratio(numerator: number, denominator: number, fallback = 0): number {
    const d = this.sums[this.at + denominator]!;
    return d > 0 ? this.sums[this.at + numerator]! / d : fallback;
  }

  /** The landmark and a view of the sums (valid while this sketch lives; copy to keep). */
  get values(): DecayedSumsValues {
    return { landmark: this.landmark, data: this.sums.subarray(this.at, this.at + this.fields) };
  }

  /** Sets these sums to `values` (copied; fields it lacks are 0). */
  copy(values: DecayedSumsValues): void {
    for (let i = 0; i < this.fields; i++) this.sums[this.at + i] = values.data[i] ?? 0;
    this.landmark = values.landmark;
  }

  snapshot(): DecayedSumsSnapshot {
    return DecayedSums.encodeValues(this.values);
  }

  /** Sets these sums to a snapshot; one written before fields were appended loads with the new fields at 0. */
  load(s: DecayedSumsSnapshot): void {
    this.copy(DecayedSums.decodeValues(s, this.fields));
  }

  /** Raw values in their snapshot form (the inverse of `decodeValues`). */
  static encodeValues(v: DecayedSumsValues): DecayedSumsSnapshot {
    return { landmark: v.landmark, sums: encodeArray(v.data) };
  }

  /**
   * A snapshot's raw values as `fields` doubles, without building a sketch (`copy` puts them into one): fields
   * appended since it was written are 0; a snapshot holding more fields than that is refused.
   */
  static decodeValues(s: DecayedSumsSnapshot, fields: number): DecayedSumsValues {
    const stored = appendedFields(decodeArray(Float64Array, s.sums), fields, 'decayed sums snapshot');
    return { landmark: s.landmark, data: Float64Array.from(stored, (v) => v ?? 0) };
  }

  static restore(fields: number, halfLifeMs: number, s: DecayedSumsSnapshot): DecayedSums {
    const out = new DecayedSums(fields, halfLifeMs);
    out.load(s);
    return out;
  }
}
