import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanElicitation } from '../../../services/common/text/elicitation.ts';

const elicitsReasoning = (text: string) => scanElicitation(text).reasoning;
const requestsRationale = (text: string) => scanElicitation(text).rationale;

describe('reasoning elicitation', () => {
  const eliciting = [
    'Solve this. Think step by step.',
    'Please SHOW YOUR REASONING before answering',
    'Explain your chain of thought in full.',
    'Resuelve el problema paso a paso.',
    'Résous ce problème étape par étape.',
    'Löse die Aufgabe Schritt für Schritt.',
    'Реши задачу шаг за шагом.',
    '请一步一步地思考这个问题',
    'ステップバイステップで考えてください',
    '단계별로 설명해 주세요',
    'Reason through the problem before you answer.',
    'Give the rationale for each step.',
  ];
  for (const text of eliciting) it(`matches: ${text}`, () => assert.equal(elicitsReasoning(text), true));

  const plain = [
    'What is the capital of France?',
    'Summarise this memo in three bullet points.',
    'Step outside and think.',
  ];
  for (const text of plain) it(`does not match: ${text}`, () => assert.equal(elicitsReasoning(text), false));

  it('finds an instruction at the end of a very long prompt', () => {
    assert.equal(elicitsReasoning(`${'lorem ipsum '.repeat(2_000)} Now think step by step.`), true);
  });
});

describe('rationale requests', () => {
  it('matches structured rationale requests', () => {
    assert.equal(requestsRationale('Answer as JSON with fields "answer" and "rationale".'), true);
    assert.equal(requestsRationale('Justify your answer.'), true);
    assert.equal(requestsRationale('Give the answer only.'), false);
  });

  it('finds both kinds in one prompt, whichever comes first', () => {
    assert.deepEqual(scanElicitation('Justify your answer, step by step.'), { reasoning: true, rationale: true });
    assert.deepEqual(scanElicitation('Think step by step, then justify your answer.'), {
      reasoning: true,
      rationale: true,
    });
    assert.deepEqual(scanElicitation('plain text'), { reasoning: false, rationale: false });
  });
});
