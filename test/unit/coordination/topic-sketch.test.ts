import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROMPT_TOKENS, tokenHashes } from '../../../services/common/text/tokenize.ts';
import { addPromptToSketch, emptyTopicSketch, topicTokens } from '../../../services/coordination/topic-sketch.ts';
import { createPrng } from '../../../services/ml/prng.ts';

const WORDS = ['explain', 'the', 'Krebs', 'cycle', '中', '文', 'étape', 'ПРИВЕТ', '42', 'tcp', 'x'];
const SEPARATORS = [' ', ', ', '\n', '', '. '];

function prompt(random: () => number, words: number): string {
  let text = '';
  for (let i = 0; i < words; i++) {
    text += WORDS[Math.floor(random() * WORDS.length)]! + SEPARATORS[Math.floor(random() * SEPARATORS.length)]!;
  }
  return text;
}

/** The sketch of one prompt from its token hashes, as stage 1 computes them (a MAX_PROMPT_TOKENS buffer). */
function sketchOf(text: string): Uint32Array {
  const tokens = new Int32Array(MAX_PROMPT_TOKENS);
  const sketch = emptyTopicSketch();
  addPromptToSketch(sketch, { tokens, tokenCount: tokenHashes(text, tokens) });
  return sketch;
}

describe('topic sketch from stage 1 tokens', () => {
  it("counts only a prompt's first 256 tokens: what a pasted document's tail adds leaves the sketch as it was", () => {
    const random = createPrng(5);
    for (let i = 0; i < 200; i++) {
      const head = `${Array.from({ length: 256 }, (_, w) => `w${w % 97}`).join(' ')} `;
      const tail = prompt(random, 1 + Math.floor(random() * 3_000));
      assert.deepEqual(sketchOf(head + tail), sketchOf(head), tail.slice(0, 80));
    }
  });

  it('is the same for the same words in another order, and differs for another vocabulary', () => {
    const words = Array.from({ length: 200 }, (_, w) => `topic${w}`);
    const same = sketchOf(words.join(' '));
    assert.deepEqual(sketchOf([...words].reverse().join(' ')), same);
    assert.equal(topicTokens(same).length, 8, 'every band of a 200-word vocabulary is complete');
    const other = sketchOf(words.map((w) => `${w}x`).join(' '));
    assert.notDeepEqual(other, same);
  });
});
