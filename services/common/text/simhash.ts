import type { PromptFingerprint } from './fingerprint.ts';
import { MAX_PROMPT_TOKENS, tokenHashes } from './tokenize.ts';

/** Four-bit lanes overflow after 15 additions, so packed counts are flushed every 15 features. */
const NIBBLE_CAPACITY = 15;
const LANES = 0x11111111;
const counts = new Int32Array(64);
const packed = new Int32Array(8);
const scratch = new Int32Array(MAX_PROMPT_TOKENS);

/** Adds the packed four-bit lanes into the 64 per-bit counters. */
function flush(): void {
  for (let w = 0; w < 8; w++) {
    const word = packed[w]!;
    const base = (w >> 2) * 32 + (w & 3);
    for (let j = 0; j < 8; j++) counts[base + j * 4]! += (word >>> (4 * j)) & 0xf;
  }
}

/** Bit b of a half is set when more than half of the `total` features had bit b set. */
function majority(offset: number, total: number): number {
  let out = 0;
  for (let b = 0; b < 32; b++) if (counts[offset + b]! * 2 > total) out |= 1 << b;
  return out >>> 0;
}

/** Murmur3's finaliser, a module-local copy so the hot loop calls no imported binding (tsx wraps those in getters). */
function mix(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The i-th feature: unigrams at even positions, word bigrams at odd ones. */
function featureAt(hashes: Int32Array, i: number): number {
  const token = hashes[(i + 1) >> 1]!;
  return i & 1 ? Math.imul(hashes[i >> 1]!, 31) ^ token ^ 0x5bd1e995 : token;
}

/**
 * 64-bit SimHash over already-hashed tokens: unigrams plus word bigrams (bigrams make templates with the same
 * wording but different slot values land close, while unrelated prompts sharing common words stay apart).
 * Per-bit counters are packed four bits wide so one feature costs eight masked adds, not 64 increments.
 */
export function simhashTokens(hashes: Int32Array, count: number): PromptFingerprint {
  if (count === 0) return { hi: 0, lo: 0 };
  counts.fill(0);
  const total = 2 * count - 1;
  for (let start = 0; start < total; start += NIBBLE_CAPACITY) {
    let l0 = 0,
      l1 = 0,
      l2 = 0,
      l3 = 0,
      h0 = 0,
      h1 = 0,
      h2 = 0,
      h3 = 0;
    const end = Math.min(total, start + NIBBLE_CAPACITY);
    for (let i = start; i < end; i++) {
      const lo = mix(featureAt(hashes, i));
      const hi = mix(lo ^ 0x9e3779b9);
      l0 += lo & LANES;
      l1 += (lo >>> 1) & LANES;
      l2 += (lo >>> 2) & LANES;
      l3 += (lo >>> 3) & LANES;
      h0 += hi & LANES;
      h1 += (hi >>> 1) & LANES;
      h2 += (hi >>> 2) & LANES;
      h3 += (hi >>> 3) & LANES;
    }
    packed[0] = l0;
    packed[1] = l1;
    packed[2] = l2;
    packed[3] = l3;
    packed[4] = h0;
    packed[5] = h1;
    packed[6] = h2;
    packed[7] = h3;
    flush();
  }
  return { hi: majority(32, total), lo: majority(0, total) };
}

/** 64-bit SimHash of a prompt over its normalised word tokens and word bigrams. */
export function simhashText(text: string): PromptFingerprint {
  return simhashTokens(scratch, tokenHashes(text, scratch));
}
