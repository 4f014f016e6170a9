import { mix32, type PromptTokens, tokenHashes } from '../common/text/tokenize.ts';

/** One-permutation MinHash buckets per key: 16 × 4 bytes, estimating the Jaccard overlap of two keys' vocabularies. */
export const TOPIC_BUCKETS = 16;
/** Rows per LSH band: keys whose vocabularies overlap by half share a band with probability ~0.9, by a tenth ~0.08. */
const BAND_ROWS = 2;
/** Prompts with text a key needs before its vocabulary is evidence. */
export const MIN_TOPIC_PROMPTS = 5;
/** The head of a prompt carries its task and topic; a pasted document's tail would only dilute the sketch. */
const TOPIC_TOKENS = 256;
const EMPTY = 0xffffffff;

const scratch = new Int32Array(TOPIC_TOKENS);

export function emptyTopicSketch(): Uint32Array {
  return new Uint32Array(TOPIC_BUCKETS).fill(EMPTY);
}

function addTokens(sketch: Uint32Array, tokens: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const h = mix32(tokens[i]! ^ 0x2545f491) >>> 0;
    const bucket = h & (TOPIC_BUCKETS - 1);
    if (h < sketch[bucket]!) sketch[bucket] = h;
  }
}

/**
 * Folds the distinct word tokens of one prompt into the sketch (the minimum hash per bucket). `tokens`, when the
 * caller already hashed `text` (stage 1's prepared prompt), saves tokenising it again: its first TOPIC_TOKENS are
 * exactly what tokenising the head would give, since `tokenHashes` writes tokens in order up to its buffer's length.
 */
export function addPromptToSketch(sketch: Uint32Array, text: string, tokens?: PromptTokens): void {
  if (tokens) addTokens(sketch, tokens.tokens, Math.min(tokens.tokenCount, TOPIC_TOKENS));
  else addTokens(sketch, scratch, tokenHashes(text, scratch));
}

/** LSH band tokens `v:<band>:<hash>` of a sketch; bands with an empty bucket are left out. */
export function topicTokens(sketch: Uint32Array): string[] {
  const tokens: string[] = [];
  for (let band = 0; band < TOPIC_BUCKETS / BAND_ROWS; band++) {
    let h = band;
    let complete = true;
    for (let r = 0; r < BAND_ROWS; r++) {
      const v = sketch[band * BAND_ROWS + r]!;
      if (v === EMPTY) complete = false;
      h = mix32(h ^ v);
    }
    if (complete) tokens.push(`v:${band}:${(h >>> 0).toString(36)}`);
  }
  return tokens;
}

export function topicSketchToBase64(sketch: Uint32Array): string {
  return Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength).toString('base64');
}

export function topicSketchFromBase64(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  const sketch = emptyTopicSketch();
  new Uint8Array(sketch.buffer).set(bytes.subarray(0, sketch.byteLength));
  return sketch;
}
