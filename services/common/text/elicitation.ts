import { compilePhraseMatcher } from './phrase-matcher.ts';

/**
 * Phrases that ask a model to spell out its reasoning (chain-of-thought elicitation), in English, Spanish,
 * Portuguese, French, German, Italian, Russian, Chinese, Japanese and Korean.
 */
const REASONING_PHRASES = [
  'step by step',
  'step-by-step',
  'show your reasoning',
  'show your work',
  'show all your work',
  'explain your reasoning',
  'chain of thought',
  'chain-of-thought',
  'think carefully',
  'think through',
  'reason through',
  'reasoning for each step',
  'rationale for each step',
  'think out loud',
  'reasoning process',
  'reasoning trace',
  'walk me through',
  'internal reasoning',
  'full reasoning',
  'paso a paso',
  'muestra tu razonamiento',
  'explica tu razonamiento',
  'passo a passo',
  'mostre seu raciocínio',
  'étape par étape',
  'montre ton raisonnement',
  'explique ton raisonnement',
  'schritt für schritt',
  'erkläre deine überlegungen',
  'zeige deinen denkprozess',
  'passo dopo passo',
  'mostra il tuo ragionamento',
  'шаг за шагом',
  'покажи свои рассуждения',
  'объясни ход рассуждений',
  '一步一步',
  '逐步',
  '思维链',
  '推理过程',
  '展示你的推理',
  'ステップバイステップ',
  '段階的に',
  '思考過程',
  '단계별로',
  '추론 과정',
];

/** Requests for a structured rationale alongside the answer (a distillation-friendly output format). */
const RATIONALE_PHRASES = [
  '"rationale"',
  'rationale:',
  'provide a rationale',
  'with a rationale',
  'justify your answer',
  'explain why',
  'explanation field',
  '"reasoning"',
  '<think>',
  'before giving the final answer',
  'then give the final answer',
  'justifica tu respuesta',
  'justifie ta réponse',
  'begründe deine antwort',
  '说明理由',
  '给出理由',
];

/** Group 0: reasoning phrases, group 1: rationale phrases (bits 1 and 2 of `groupsIn`). */
const matcher = compilePhraseMatcher([REASONING_PHRASES, RATIONALE_PHRASES]);
const REASONING = 1;
const RATIONALE = 2;

/** Instructions sit at the start or end of a prompt; long prompts are scanned there only. */
const SCAN_HEAD = 3_000;
const SCAN_TAIL = 1_000;

const ANSWERS = [
  { reasoning: false, rationale: false },
  { reasoning: true, rationale: false },
  { reasoning: false, rationale: true },
  { reasoning: true, rationale: true },
].map((a) => Object.freeze(a));

/**
 * Whether the prompt contains a reasoning phrase and a rationale phrase (case-insensitive substrings), in one pass
 * over the text; a long prompt is read in its first SCAN_HEAD and last SCAN_TAIL characters, and no phrase is
 * matched across the gap.
 */
export function scanElicitation(text: string): Readonly<{ reasoning: boolean; rationale: boolean }> {
  const groups =
    text.length <= SCAN_HEAD + SCAN_TAIL
      ? matcher.groupsIn(text, 0, text.length)
      : matcher.groupsIn(text, 0, SCAN_HEAD) | matcher.groupsIn(text, text.length - SCAN_TAIL, text.length);
  return ANSWERS[groups & (REASONING | RATIONALE)]!;
}

/** The phrases, for tests that compare the matcher with the regular expression it replaced. */
export const ELICITATION_PHRASES = { reasoning: REASONING_PHRASES, rationale: RATIONALE_PHRASES } as const;
