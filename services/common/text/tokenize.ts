/**
 * Largest number of token hashes one prompt yields: longer prompts (pasted documents, code context) are fingerprinted
 * on their first 2,048 tokens, which carry the instruction and template and bound the cost per event.
 */
export const MAX_PROMPT_TOKENS = 2_048;

/** The token hashes `tokenHashes` wrote for one prompt: `tokens[0..tokenCount)`, valid until the buffer is reused. */
export interface PromptTokens {
  readonly tokens: Int32Array;
  readonly tokenCount: number;
  /** Stage 1's elicitation classifier read the prompt as a harvesting instruction (absent: not scored). */
  readonly harvestInstruction?: boolean;
}

/** FNV-1a offset basis as int32, so hashing stays in small integers. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Ideographic and syllabic scripts without spaces: each character is a token of its own. */
function isIdeograph(c: number): boolean {
  return (c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
}

/** Word characters: ASCII letters and digits, and non-ASCII outside the punctuation blocks. */
function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xff00 && c <= 0xff20) return false;
  return c !== 0xa0 && c !== 0xab && c !== 0xbb && c !== 0xbf && c !== 0xa1;
}

/** Case folding for ASCII, Latin-1 and Cyrillic capitals, without allocating a lowered copy. */
function foldCase(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 0xc0) return c;
  if (c <= 0xde && c !== 0xd7) return c + 32;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  return c;
}

/** ASCII fast path: the case-folded code of a word character, 0 for separators. */
const ASCII_WORD = new Int32Array(128).map((_, c) => (isWordChar(c) ? foldCase(c) : 0));

/**
 * Writes the FNV-1a hashes of the normalised (case-folded) word tokens of `text` into `out` and returns how many.
 * Allocation-free: this runs once per event on the detector's hot path.
 */
export function tokenHashes(text: string, out: Int32Array): number {
  let count = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  const limit = out.length;
  for (let i = 0; i < text.length && count < limit; i++) {
    const c = text.charCodeAt(i);
    const folded = c < 128 ? ASCII_WORD[c]! : isWordChar(c) ? foldCase(c) : 0;
    if (folded === 0) {
      if (inWord) out[count++] = h;
      inWord = false;
      h = FNV_OFFSET;
    } else if (c >= 0x3040 && isIdeograph(c)) {
      if (inWord) out[count++] = h;
      inWord = false;
      h = FNV_OFFSET;
      if (count < limit) out[count++] = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
    } else {
      h = Math.imul(h ^ folded, FNV_PRIME);
      inWord = true;
    }
  }
  if (inWord && count < limit) out[count++] = h;
  return count;
}

/** Murmur3's finaliser: spreads FNV's weak low bits over the whole word. Returns int32 (a Smi, no boxing). */
export function mix32(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** 32-bit hash of a whole string (ids, IPs, countries): FNV-1a then mixed. */
export function hashString(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return mix32(h) >>> 0;
}

/** Order-sensitive 32-bit hash of a token sequence: identical normalised prompts hash alike. */
export function hashTokenSequence(hashes: Int32Array, count: number): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < count; i++) h = Math.imul(h ^ hashes[i]!, FNV_PRIME);
  return mix32(h) >>> 0;
}
