import type { PromptFingerprint } from './fingerprint.ts';
import { MAX_PROMPT_TOKENS, tokenHashes } from './tokenize.ts';

/** Four-bit lanes overflow after 15 additions, so packed counts are flushed every 14 features (seven tokens). */
const FLUSH_AFTER = 14;
const LANES = 0x11111111;
const counts = new Int32Array(64);
const scratch = new Int32Array(MAX_PROMPT_TOKENS);

/** Adds the eight four-bit lanes of `word` (bits `lane`, `lane` + 4, … of one half) into the per-bit counters. */
function addLanes(lane: number, word: number): void {
  const base = (lane >> 2) * 32 + (lane & 3);
  for (let j = 0; j < 8; j++) counts[base + j * 4]! += (word >>> (4 * j)) & 0xf;
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

/** Adds the packed lane sums of the features since the last flush (low half, then high half) to the counters. */
function flush(l0: number, l1: number, l2: number, l3: number, h0: number, h1: number, h2: number, h3: number): void {
  addLanes(0, l0);
  addLanes(1, l1);
  addLanes(2, l2);
  addLanes(3, l3);
  addLanes(4, h0);
  addLanes(5, h1);
  addLanes(6, h2);
  addLanes(7, h3);
}

/**
 * 64-bit SimHash over already-hashed tokens: unigrams plus word bigrams (bigrams make templates with the same
 * wording but different slot values land close, while unrelated prompts sharing common words stay apart).
 * Per-bit counters are packed four bits wide so one feature costs eight masked adds, not 64 increments. One pass over
 * the tokens, each adding its unigram and its bigram with the token before (the counts do not depend on the order);
 * the lane sums stay in locals, written out twice rather than through a helper (module variables cost more).
 */
export function simhashTokens(hashes: Int32Array, count: number): PromptFingerprint {
  if (count === 0) return { hi: 0, lo: 0 };
  counts.fill(0);
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let h0 = 0;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let pending = 0;
  let prev = 0;
  for (let t = 0; t < count; t++) {
    const token = hashes[t]!;
    let lo = mix(token);
    let hi = mix(lo ^ 0x9e3779b9);
    l0 += lo & LANES;
    l1 += (lo >>> 1) & LANES;
    l2 += (lo >>> 2) & LANES;
    l3 += (lo >>> 3) & LANES;
    h0 += hi & LANES;
    h1 += (hi >>> 1) & LANES;
    h2 += (hi >>> 2) & LANES;
    h3 += (hi >>> 3) & LANES;
    if (t > 0) {
      lo = mix(Math.imul(prev, 31) ^ token ^ 0x5bd1e995);
      hi = mix(lo ^ 0x9e3779b9);
      l0 += lo & LANES;
      l1 += (lo >>> 1) & LANES;
      l2 += (lo >>> 2) & LANES;
      l3 += (lo >>> 3) & LANES;
      h0 += hi & LANES;
      h1 += (hi >>> 1) & LANES;
      h2 += (hi >>> 2) & LANES;
      h3 += (hi >>> 3) & LANES;
    }
    prev = token;
    pending += 2;
    if (pending >= FLUSH_AFTER) {
      flush(l0, l1, l2, l3, h0, h1, h2, h3);
      l0 = l1 = l2 = l3 = h0 = h1 = h2 = h3 = 0;
      pending = 0;
    }
  }
  if (pending > 0) flush(l0, l1, l2, l3, h0, h1, h2, h3);
  const total = 2 * count - 1;
  return { hi: majority(32, total), lo: majority(0, total) };
}

/** 64-bit SimHash of a prompt over its normalised word tokens and word bigrams. */
export function simhashText(text: string): PromptFingerprint {
  return simhashTokens(scratch, tokenHashes(text, scratch));
}
