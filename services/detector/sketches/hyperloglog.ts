import { decodeArray, encodeArray } from './codec.ts';

/**
 * HyperLogLog distinct counter over 32-bit hashes (already well mixed), 2^p one-byte registers.
 * Standard error ≈ 1.04 / sqrt(2^p); linear counting below 2.5·m keeps small counts near exact.
 */
export class HyperLogLog {
  readonly p: number;
  readonly registers: Uint8Array;

  constructor(p: number, registers?: Uint8Array) {
    if (p < 4 || p > 16) throw new RangeError(`HyperLogLog precision ${p} outside 4..16`);
    this.p = p;
    this.registers = registers ?? new Uint8Array(1 << p);
    if (this.registers.length !== 1 << p)
      throw new RangeError(`HyperLogLog registers: ${this.registers.length}, not 2^${p}`);
  }

  add(hash: number): void {
    addHash(this.registers, 0, this.p, hash);
  }

  estimate(): number {
    return estimateRegisters(this.registers, 0, this.registers, 0, this.registers.length);
  }

  /** Distinct count of the union of two sketches of the same precision, without merging them. */
  unionEstimate(other: HyperLogLog): number {
    return estimateRegisters(this.registers, 0, other.registers, 0, this.registers.length);
  }

  snapshot(): string {
    return encodeArray(this.registers);
  }

  static restore(p: number, text: string): HyperLogLog {
    return new HyperLogLog(p, decodeArray(Uint8Array, text, 1 << p));
  }
}

/** 2^-r for every possible register value (0..33), instead of a Math.pow per register. */
const INVERSE_POWERS = Float64Array.from({ length: 34 }, (_, r) => 2 ** -r);

function alpha(m: number): number {
  if (m === 16) return 0.673;
  if (m === 32) return 0.697;
  if (m === 64) return 0.709;
  return 0.7213 / (1 + 1.079 / m);
}

/*
 * The sketch as functions over `2^p` registers starting at index `at` of a byte array, so several sketches can share
 * one array (RotatingDistinct keeps both generations, and a key all its distinct counters, in one).
 */

/** Folds one well-mixed 32-bit hash into the registers at `at`. */
export function addHash(registers: Uint8Array, at: number, p: number, hash: number): void {
  const index = at + (hash >>> (32 - p));
  const rest = (hash << p) | (1 << (p - 1));
  const rank = Math.clz32(rest) + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

/** Mixes raw (unmixed) 32-bit hashes such as FNV token hashes and folds each into the registers at `at`. */
export function addMixedHashes(registers: Uint8Array, at: number, p: number, hashes: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    let h = hashes[i]! ^ (hashes[i]! >>> 16);
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    addHash(registers, at, p, h ^ (h >>> 16));
  }
}

/**
 * Estimate over the register-wise maximum of the `m` registers of `a` from `aAt` and of `b` from `bAt` (the same
 * registers twice for one sketch).
 */
export function estimateRegisters(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, m: number): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    const r = Math.max(a[aAt + i]!, b[bAt + i]!);
    sum += INVERSE_POWERS[r]!;
    if (r === 0) zeros++;
  }
  const raw = (alpha(m) * m * m) / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
  return raw;
}
