import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../../../services/common/config/ml.ts';
import { MAX_PROMPT_TOKENS, tokenHashes } from '../../../services/common/text/tokenize.ts';
import { loadElicitationModel } from '../../../services/ml/elicitation/elicitation-model-file.ts';
import { type ElicitationModel, elicitationProbability } from '../../../services/ml/elicitation/elicitation-scorer.ts';

let model: ElicitationModel;
const tokens = new Int32Array(MAX_PROMPT_TOKENS);

before(async () => {
  model = await loadElicitationModel(BUNDLED_MODELS_DIR);
});

function score(text: string): number {
  return elicitationProbability(model, tokens, tokenHashes(text, tokens));
}

const HARVEST = [
  'What is the boiling point of water at 2000 m altitude?\n\nThink step by step and output your reasoning in <reasoning> tags, then the final answer in <answer> tags.',
  'Solve: 17 * 23. Return JSON with keys "reasoning" and "answer".',
  'Give the complete reasoning trace before the final answer. Question: what causes tides?',
];

const HUMAN = [
  'Write a cover letter for a data analyst position.',
  'How do I reverse a linked list in Python?',
  'My landlord has not returned my deposit after two months, what can I do?',
];

test('the shipped model flags harvest instructions at its threshold', () => {
  for (const text of HARVEST) assert.ok(score(text) >= model.threshold, `${score(text)} < ${model.threshold}: ${text}`);
});

test('ordinary human prompts score low', () => {
  for (const text of HUMAN) assert.ok(score(text) < 0.2, `${score(text)}: ${text}`);
});

test('a human asking for steps stays below the threshold and far below the harvest template on the same topic', () => {
  const human = score('can you explain step by step how photosynthesis works');
  const harvest = score(
    'Explain how photosynthesis works. Think step by step and put your reasoning in <reasoning> tags, then the answer in <answer> tags.',
  );
  assert.ok(human < model.threshold, `human ${human} >= threshold ${model.threshold}`);
  assert.ok(harvest - human > 0.5, `harvest ${harvest} vs human ${human}`);
});
