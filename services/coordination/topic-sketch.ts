import { mix32, type PromptTokens } from '../common/text/tokenize.ts';

/** One-permutation MinHash buckets per key: 16 × 4 bytes, estimating the Jaccard overlap of two keys' vocabularies. */
export const TOPIC_BUCKETS = 16;
/** Rows per LSH band: keys whose vocabularies overlap by half share a band with probability ~0.9, by a tenth ~0.08. */
const BAND_ROWS = 2;
/** Prompts with text a key needs before its vocabulary is evidence. */
export const MIN_TOPIC_PROMPTS = 5;
/** The head of a prompt carries its task and topic; a pasted document's tail would only dilute the sketch. */
const TOPIC_TOKENS = 256;
const EMPTY = 0xffffffff;

export function emptyTopicSketch(): Uint32Array {
  return new Uint32Array(TOPIC_BUCKETS).fill(EMPTY);
}

/**
 * Folds the word tokens of one prompt's head (its first TOPIC_TOKENS token hashes, as stage 1 hashed them) into the
 * sketch: the minimum hash per bucket.
 */
export function addPromptToSketch(sketch: Uint32Array, { tokens, tokenCount }: PromptTokens): void {
  for (let i = 0; i < Math.min(tokenCount, TOPIC_TOKENS); i++) {
    const h = mix32(tokens[i]! ^ 0x2545f491) >>> 0;
    const bucket = h & (TOPIC_BUCKETS - 1);
    if (h < sketch[bucket]!) sketch[bucket] = h;
  }
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
