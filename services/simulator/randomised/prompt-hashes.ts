import { createHash } from 'node:crypto';

const LIMIT = 100_000;

/** Memoises a string → hex digest function; human prompts repeat, and hashing them is a large share of the CPU. */
export function memoised(digest: (text: string) => string): (text: string) => string {
  let cache = new Map<string, string>();
  return (text) => {
    let hex = cache.get(text);
    if (hex === undefined) {
      hex = digest(text);
      // Bounded: start over rather than grow without limit on long, mostly unique streams.
      if (cache.size >= LIMIT) cache = new Map();
      cache.set(text, hex);
    }
    return hex;
  };
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
