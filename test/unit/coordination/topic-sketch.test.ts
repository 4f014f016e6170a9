import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROMPT_TOKENS, tokenHashes } from '../../../services/common/text/tokenize.ts';
import { addPromptToSketch, emptyTopicSketch } from '../../../services/coordination/topic-sketch.ts';
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

describe('topic sketch from stage 1 tokens', () => {
  it('equals the sketch of tokenising the text, short and long prompts, ideographs at the 256-token edge', () => {
    const random = createPrng(5);
    const buffer = new Int32Array(MAX_PROMPT_TOKENS);
    for (let i = 0; i < 2_000; i++) {
      const text = prompt(random, Math.floor(random() * (i % 4 === 0 ? 3_000 : 300)));
      const tokenCount = tokenHashes(text, buffer);
      const own = emptyTopicSketch();
      const shared = emptyTopicSketch();
      addPromptToSketch(own, text);
      addPromptToSketch(shared, text, { tokens: buffer, tokenCount });
      assert.deepEqual(shared, own, text.slice(0, 80));
    }
  });
});
