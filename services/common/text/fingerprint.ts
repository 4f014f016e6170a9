/** A 64-bit prompt SimHash as two unsigned 32-bit halves (no BigInt on the hot path). */
export interface PromptFingerprint {
  hi: number;
  lo: number;
}

/** Parses the gateway's `prompt_simhash` (16 hex chars, already validated by the schema). */
export function fingerprintFromHex(hex: string): PromptFingerprint {
  return { hi: Number.parseInt(hex.slice(0, 8), 16) >>> 0, lo: Number.parseInt(hex.slice(8, 16), 16) >>> 0 };
}

export function fingerprintToHex(fp: PromptFingerprint): string {
  return (fp.hi >>> 0).toString(16).padStart(8, '0') + (fp.lo >>> 0).toString(16).padStart(8, '0');
}

/** Set bits of a 32-bit value (SWAR count, no loop). */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of differing bits between two fingerprints (0–64). */
export function hammingDistance(a: PromptFingerprint, b: PromptFingerprint): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}
