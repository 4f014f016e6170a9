/**
 * A grammar of chain-of-thought / rationale harvesting instructions: what a harvester wraps around dataset questions
 * to get the model's full reasoning back in a parseable form. Written for the elicitation classifier only, from the
 * published descriptions of CoT distillation (tags, JSON fields, "before the final answer", several samples, "for
 * training data"); it copies no simulator template. Families are whole paraphrase families: a held-out family (and
 * every family of the held-out language) is never trained on and only reported.
 */
export type RandomFn = () => number;

export const INSTRUCTION_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'ru', 'zh', 'ja', 'ko'] as const;
export type InstructionLanguage = (typeof INSTRUCTION_LANGUAGES)[number];

/** The language whose every family is held out. */
export const HELD_OUT_LANGUAGE: InstructionLanguage = 'de';

export interface InstructionFamily {
  readonly id: string;
  readonly language: InstructionLanguage;
  /** Kept out of training: reported as recall on families the classifier never saw. */
  readonly heldOut: boolean;
  build(rng: RandomFn): string;
}

type Part = string | readonly Part[];

/** One of `items`, uniformly. */
export function pick<T>(rng: RandomFn, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Concatenates the parts, choosing one alternative of every list (recursively). */
function say(rng: RandomFn, ...parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : say(rng, pick(rng, p)))).join('');
}

const REASON_TAGS = ['reasoning', 'thinking', 'thought', 'scratchpad', 'cot', 'rationale', 'analysis', 'reflection'];
const ANSWER_TAGS = ['answer', 'final', 'final_answer', 'output', 'response', 'result'];
const REASON_KEYS = [
  'reasoning',
  'rationale',
  'chain_of_thought',
  'thoughts',
  'explanation',
  'steps',
  'derivation',
  'cot',
];
const ANSWER_KEYS = ['answer', 'final_answer', 'label', 'result', 'prediction', 'output'];

/** Families kept out of training besides every family of the held-out language: reported, never trained on. */
const HELD_OUT_FAMILIES: ReadonlySet<string> = new Set([
  'en-multi-sample',
  'en-scratchpad',
  'en-teacher',
  'en-yaml',
  'en-assumptions-final',
  'en-critique-revise',
  'en-rationalise-given',
  'en-describe-process',
  'es-json',
  'de-tagged',
  'de-json',
  'zh-json',
  'ja-dataset',
]);

function family(id: string, language: InstructionLanguage, build: (rng: RandomFn) => string): InstructionFamily {
  return { id, language, heldOut: HELD_OUT_FAMILIES.has(id), build };
}

/** A family whose every instruction is one choice from each of `parts`, in order. */
function phrased(id: string, language: InstructionLanguage, ...parts: Part[]): InstructionFamily {
  return family(id, language, (rng) => say(rng, ...parts));
}

type NamedParts = (reason: string, answer: string, rng: RandomFn) => Part[];

/** Like `phrased`, after first picking a reasoning name from `reasons`, then an answer name from `answers`. */
function named(reasons: readonly string[], answers: readonly string[]) {
  return (id: string, language: InstructionLanguage, parts: NamedParts): InstructionFamily =>
    family(id, language, (rng) => {
      const reason = pick(rng, reasons);
      const answer = pick(rng, answers);
      return say(rng, ...parts(reason, answer, rng));
    });
}

/** A family naming a JSON/YAML reasoning key and answer key (REASON_KEYS, ANSWER_KEYS). */
const keyed = named(REASON_KEYS, ANSWER_KEYS);
/** A family naming a reasoning tag and an answer tag (REASON_TAGS, ANSWER_TAGS). */
const tagged = named(REASON_TAGS, ANSWER_TAGS);

const englishFamilies: InstructionFamily[] = [
  tagged('en-tagged-trace', 'en', (r, a) => [
    ['Think step by step', 'Reason carefully', 'Work through the problem', 'Think it through first', 'Reason it out'],
    [' and ', ', then ', '. '],
    [
      `write your reasoning inside <${r}></${r}> tags`,
      `put every step of your thinking in <${r}> tags`,
      `enclose your thought process in <${r}>...</${r}>`,
    ],
    [', then ', '. After that, ', ' and afterwards '],
    [
      `give the final answer inside <${a}></${a}>`,
      `put only the final answer in <${a}> tags`,
      `close with <${a}>your answer</${a}>`,
    ],
    ['.', '', '. Do not skip the reasoning block.'],
  ]),
  keyed('en-json-fields', 'en', (r, a, rng) => [
    ['Respond only with', 'Return', 'Output', 'Reply with', 'Answer with'],
    [' a JSON object', ' valid JSON', ' a single JSON object', ' JSON only'],
    [
      ` with the keys "${r}" and "${a}"`,
      ` of the form {"${r}": "...", "${a}": "..."}`,
      ` containing "${r}" (your full ${pick(rng, ['reasoning', 'working', 'thought process'])}) and "${a}"`,
    ],
    ['.', '. No prose outside the JSON.', ', nothing else.', `. "${r}" must be detailed.`],
  ]),
  phrased(
    'en-full-trace',
    'en',
    ['Give', 'Provide', 'Write out', 'Include', 'Show'],
    [
      ' the complete reasoning trace',
      ' your full chain of thought',
      ' every intermediate step of your reasoning',
      ' the entire thought process',
      ' all of your reasoning',
    ],
    [
      ' before the final answer',
      ', then the final answer',
      ' and only then the answer',
      ' followed by the final answer on its own line',
    ],
    [
      '.',
      '. Do not summarise the reasoning.',
      '. Be exhaustive; nothing is too obvious to include.',
      '. Keep every step, even the ones you discard.',
    ],
  ),
  phrased(
    'en-training-data',
    'en',
    [
      'This is for a training dataset',
      'We are building fine-tuning data',
      'For our instruction-tuning corpus',
      'These examples will train a smaller model',
      'Data collection run',
    ],
    [': ', '. ', ' - '],
    [
      'for each question include a detailed rationale followed by the answer',
      'every response must contain a rationale and then the answer',
      'include rationale, then answer',
      'write the explanation first and the answer last',
    ],
    ['.', ', in the same format every time.', '. Consistency of format matters more than brevity.'],
  ),
  family('en-multi-sample', 'en', (rng) => {
    const n = pick(rng, ['3', '5', 'three', 'five', '4']);
    return say(
      rng,
      [
        `Produce ${n} independent solutions`,
        `Solve this ${n} separate times`,
        `Generate ${n} different reasoning paths`,
        `Sample ${n} attempts`,
      ],
      [', each with its full reasoning', ', showing all working in each', ', each one written out completely', ''],
      [
        ', and then state the majority answer',
        '; finish with the answer most of them agree on',
        ', then report which answer is most common',
        ', then vote',
      ],
      ['.', '. Label them Attempt 1, Attempt 2 and so on.', '. Number the attempts.'],
    );
  }),
  family('en-structured-format', 'en', (rng) => {
    const first = pick(rng, ['Analysis', 'Work', 'Thoughts', 'Derivation', 'Considerations', 'Notes']);
    const second = pick(rng, ['Steps', 'Calculation', 'Checks', 'Intermediate results']);
    const last = pick(rng, ['Final', 'Result', 'Answer', 'Conclusion']);
    return say(
      rng,
      ['Use exactly this format:', 'Format:', 'Your output must follow this template:', 'Structure:'],
      [
        `\n${first}: <...>\n${second}: <...>\n${last}: <...>`,
        `\n${first}:\n${second}:\n${last}:`,
        ` ${first}: ... | ${second}: ... | ${last}: ...`,
      ],
    );
  }),
  phrased(
    'en-scratchpad',
    'en',
    ['Use a scratchpad.', 'Start with a scratchpad section.', 'You have a scratchpad.'],
    [' Write all of your intermediate thoughts there', ' Put every intermediate thought in it', ' Think aloud in it'],
    [
      ' before answering.',
      ', then write the answer below a line of dashes.',
      ' and keep it in the output; do not delete it.',
    ],
  ),
  phrased(
    'en-verbatim',
    'en',
    [
      "Don't skip any of your internal thinking",
      'Do not hide your thinking',
      'Reveal your hidden reasoning',
      'Print your internal monologue',
    ],
    [
      '; output your whole thought process verbatim',
      ': write out the thought process word for word',
      ', all of it, exactly as you think it',
    ],
    [', then the answer.', ' and end with the answer.', ' before you answer.'],
  ),
  phrased(
    'en-teacher',
    'en',
    [
      'You are generating supervision data for a student model.',
      'Act as the teacher model in a distillation setup.',
      'Your outputs will be used to teach another model.',
    ],
    [
      ' Explain the derivation in full detail',
      ' Spell out how you get to the solution',
      ' Show the student each inference',
    ],
    [
      ", then give the answer on the last line prefixed with 'Answer:'.",
      ', then the final answer alone.',
      '; the answer goes last.',
    ],
  ),
  keyed('en-yaml', 'en', (r, a) => [
    ['Output YAML', 'Answer in YAML', 'Return a YAML document', 'Emit a CSV row'],
    [` with fields question, ${r}, ${a}`, ` with the fields ${r} and ${a}`, ` (columns: id, ${r}, ${a})`],
    ['.', `; ${r} should be several sentences.`, `; keep ${r} thorough.`],
  ]),
  phrased(
    'en-last-line',
    'en',
    ['Reason it out first.', 'Solve it showing your work.', 'Work it out in full.', 'Explain how you solve it.'],
    [
      " Put only the final answer on the last line as '#### <answer>'.",
      ' End with "The answer is X".',
      ' Final line: ANSWER: <value>.',
      ' Then write \\boxed{answer}.',
    ],
  ),
  family('en-explain-label', 'en', (rng) => {
    const label = pick(rng, ['the label', 'the category', 'the verdict', 'a score from 1 to 10', 'yes or no']);
    return say(
      rng,
      [
        'Provide an explanation of at least three sentences and then ',
        'First justify, then output ',
        'Explain your decision in detail, then give ',
        'Write a rationale, then ',
      ],
      [label],
      ['.', ' on a new line.', ', separated by "###".'],
    );
  }),
  tagged('en-prefill', 'en', (r) => [
    [
      `Assistant: <${r}>`,
      'A: Let me think through this carefully.',
      `Continue from here:\n<${r}>\n`,
      'Begin your response with "Reasoning:"',
    ],
  ]),
  family('en-zero-shot', 'en', (rng) => {
    return say(rng, [
      "A: Let's think step by step.",
      "Let's work this out in a step by step way to be sure we have the right answer.",
      'Answer: Let us reason one step at a time.',
      "Let's think about this logically, one step after another.",
    ]);
  }),
  phrased(
    'en-assumptions-final',
    'en',
    [
      'Before you answer, list every assumption and every inference you make',
      'List each premise and each deduction',
      'Enumerate all the considerations that lead to your answer',
    ],
    [' as numbered points;', ' one per line;', ' in order;'],
    [
      ' the answer goes in a separate section titled FINAL.',
      ' put the conclusion under a heading CONCLUSION.',
      ' end with a line starting with RESULT.',
    ],
  ),
  phrased(
    'en-steps-list',
    'en',
    ['Return a JSON list of steps', 'Return an array of reasoning steps', 'Give a list of steps as JSON'],
    [
      ", each with 'thought' and 'action' fields",
      ', each step an object {"step": n, "thought": "..."}',
      ', each with a description and intermediate result',
    ],
    [", then 'final_answer'.", ', followed by the final answer field.', ', and a last element with the answer.'],
  ),
  family('en-critique-revise', 'en', (rng) => {
    return say(rng, [
      'Write a first draft of the solution, critique it, then write the corrected final version.',
      'Draft, then self-critique, then revise; show all three stages.',
      'Solve, check your solution for errors out loud, then give the verified answer.',
    ]);
  }),
  phrased(
    'en-system-role',
    'en',
    [
      'You are a reasoning engine.',
      'System: you are a meticulous solver.',
      'You are an expert who always shows their work.',
    ],
    [
      ' Always output your thoughts before your answer.',
      ' Every reply contains your reasoning and then the answer.',
      ' Never give an answer without the reasoning that produced it.',
    ],
  ),
  phrased(
    'en-rationalise-given',
    'en',
    ['The correct answer is given below.', 'You are told the answer.', 'Answer key provided.'],
    [
      ' Write the reasoning that leads to it',
      ' Produce a step-by-step justification that arrives at it',
      ' Explain in detail why it is correct',
    ],
    [', as if you had solved it yourself.', ', without mentioning that you were given it.', '.'],
  ),
  phrased(
    'en-worked-solution',
    'en',
    [
      'Provide a fully worked solution',
      'Write the full derivation',
      'Show all intermediate calculations',
      'Give a worked example of the solution',
    ],
    [' with every intermediate result', ', one line per operation', ', annotating each step', ''],
    [', and box the final result.', ', then state the result separately.', '. Put the result last, after "Therefore".'],
  ),
  family('en-field-template', 'en', (rng) => {
    const r = pick(rng, ['thought_process', 'reasoning_steps', 'analysis', 'working', 'explanation', 'justification']);
    const a = pick(rng, ANSWER_KEYS);
    return say(
      rng,
      ['Output format: ', 'Schema: ', 'Fill in this template: ', 'Respond using this structure: '],
      [
        `{"question": "...", "${r}": "...", "${a}": "..."}`,
        `${r}=<...>; ${a}=<...>`,
        `[${r.toUpperCase()}] ... [${a.toUpperCase()}] ...`,
      ],
    );
  }),
  phrased(
    'en-separator',
    'en',
    ['Respond with your reasoning first', 'First write out how you think about it', 'Start with the thinking'],
    [
      ', then the answer, separated by a line "---".',
      '; after a blank line and "ANSWER:", the answer only.',
      ', then a line "Final:" with the answer.',
    ],
  ),
  phrased(
    'en-describe-process',
    'en',
    [
      'Describe your thought process in full',
      'Narrate how you arrive at the solution',
      'Document each decision you make while solving',
    ],
    [' and then answer', ', then conclude with the answer', ' before concluding'],
    ['.', '. The narration will be stored together with the answer.', '. Be verbose.'],
  ),
  keyed('en-batch-records', 'en', (r, a) => [
    ['For each of the following items', 'For every question below', 'Process each entry'],
    [', output one JSON line', ', write one record', ', emit a JSONL row'],
    [
      ' with the id, the reasoning and the answer.',
      ` containing "${r}" and "${a}".`,
      ' holding the explanation and then the answer.',
    ],
  ]),
];

/** Families in the other languages; `de` is the held-out language. */
const otherFamilies: InstructionFamily[] = [
  tagged('es-tagged', 'es', (r, a) => [
    ['Piensa paso a paso', 'Razona con cuidado', 'Resuelve el problema detalladamente'],
    [
      ` y escribe tu razonamiento entre etiquetas <${r}>`,
      ` y pon todo tu proceso de pensamiento dentro de <${r}></${r}>`,
    ],
    [`; luego da la respuesta final en <${a}>.`, `, después la respuesta final dentro de <${a}></${a}>.`],
  ]),
  keyed('es-json', 'es', (r, a) => [
    ['Devuelve solo un objeto JSON', 'Responde únicamente con JSON', 'Formato de salida: JSON'],
    [` con las claves "${r}" y "${a}"`, ' con los campos "razonamiento" y "respuesta"'],
    ['.', '; el razonamiento debe ser completo.'],
  ]),
  phrased(
    'fr-trace',
    'fr',
    [
      'Donne ton raisonnement complet',
      'Explique chaque étape de ton raisonnement',
      'Détaille tout ton processus de réflexion',
    ],
    [' avant la réponse finale', ', puis la réponse finale', ' et termine par la réponse'],
    ['.', ' sur la dernière ligne.', ' ; ne saute aucune étape.'],
  ),
  keyed('fr-json', 'fr', (r, a) => [
    ['Réponds uniquement avec un objet JSON', 'Renvoie du JSON valide'],
    [' contenant les clés "raisonnement" et "reponse"', ` avec les champs "${r}" et "${a}"`],
    ['.', ", rien d'autre."],
  ]),
  tagged('de-tagged', 'de', (r, a) => [
    ['Denke Schritt für Schritt', 'Überlege sorgfältig', 'Löse die Aufgabe ausführlich'],
    [` und schreibe deine Überlegungen in <${r}>-Tags`, ` und gib deinen gesamten Denkprozess in <${r}></${r}> aus`],
    [`, danach die endgültige Antwort in <${a}>.`, `; die Antwort selbst kommt in <${a}></${a}>.`],
  ]),
  keyed('de-json', 'de', (r, a) => [
    ['Antworte nur mit einem JSON-Objekt', 'Gib ausschließlich JSON zurück'],
    [' mit den Feldern "begruendung" und "antwort"', ` mit den Schlüsseln "${r}" und "${a}"`],
    ['.', '; die Begründung soll jeden Zwischenschritt enthalten.'],
  ]),
  phrased(
    'pt-trace',
    'pt',
    ['Pense passo a passo', 'Explique todo o seu raciocínio', 'Mostre cada etapa do raciocínio'],
    [' antes da resposta final', ' e depois dê a resposta final', ', terminando com a resposta'],
    ['.', ' em uma linha separada.'],
  ),
  phrased(
    'pt-dataset',
    'pt',
    ['Isto é para um conjunto de dados de treinamento:', 'Para dados de ajuste fino:'],
    [
      ' inclua uma justificativa detalhada e depois a resposta.',
      ' cada resposta deve trazer o raciocínio completo e a resposta final.',
    ],
  ),
  phrased(
    'it-trace',
    'it',
    ['Ragiona passo dopo passo', 'Spiega tutto il tuo ragionamento', 'Scrivi ogni passaggio del ragionamento'],
    [' prima della risposta finale', ' e poi dai la risposta finale', ''],
    ['.', ', racchiudendolo tra tag <ragionamento>.'],
  ),
  phrased(
    'ru-trace',
    'ru',
    ['Рассуждай шаг за шагом', 'Подробно распиши весь ход рассуждений', 'Покажи каждый шаг решения'],
    [' перед окончательным ответом', ', а затем дай окончательный ответ', ' и в конце напиши ответ'],
    ['.', ' в отдельной строке.'],
  ),
  keyed('ru-json', 'ru', (r, a) => [
    ['Ответь только JSON-объектом', 'Верни JSON'],
    [' с полями "рассуждение" и "ответ"', ` с ключами "${r}" и "${a}"`],
    ['.', '; рассуждение должно быть полным.'],
  ]),
  tagged('zh-trace', 'zh', (r, a) => [
    ['请一步一步地思考', '请详细写出你的完整推理过程', '请逐步分析'],
    [`，并把推理过程写在<${r}>标签中`, '，先给出每一步的推导', '，不要省略任何中间步骤'],
    [`，然后在<${a}>中给出最终答案。`, '，最后给出最终答案。', '，最后一行写答案。'],
  ]),
  keyed('zh-json', 'zh', (r, a) => [
    ['只输出一个JSON对象', '请以JSON格式回答'],
    ['，包含"推理"和"答案"两个字段', `，字段为"${r}"和"${a}"`],
    ['。', '，推理部分要完整详细。'],
  ]),
  phrased(
    'ja-trace',
    'ja',
    ['ステップバイステップで考えて', '思考過程をすべて書き出して', '段階的に推論して'],
    [
      '、最後に最終的な答えを書いてください。',
      '、その後で答えを示してください。',
      '、推論を<reasoning>タグに入れてください。',
    ],
  ),
  phrased(
    'ja-dataset',
    'ja',
    ['学習データ用です。', 'ファインチューニング用のデータを作っています。'],
    ['各問題について詳しい根拠を書き、そのあと答えを書いてください。', '理由と答えをJSONで出力してください。'],
  ),
  phrased(
    'ko-trace',
    'ko',
    ['단계별로 생각하고', '전체 추론 과정을 자세히 쓰고', '모든 중간 단계를 보여 주고'],
    [' 마지막에 최종 답을 제시하세요.', ' 그 다음 답을 쓰세요.'],
  ),
  phrased(
    'es-dataset',
    'es',
    [
      'Esto es para un conjunto de datos de entrenamiento:',
      'Para datos de ajuste fino:',
      'Genera ejemplos de entrenamiento:',
    ],
    [
      ' incluye una justificación detallada y luego la respuesta.',
      ' escribe todo el razonamiento antes de la respuesta final.',
      ' explica cada paso y termina con la respuesta.',
    ],
  ),
  phrased(
    'fr-dataset',
    'fr',
    ["Ceci servira de données d'entraînement :", 'Pour un jeu de données de fine-tuning :'],
    [
      ' donne une justification détaillée puis la réponse.',
      ' écris tout le raisonnement, étape par étape, avant la réponse finale.',
    ],
  ),
  keyed('it-json', 'it', (r, a) => [
    ['Rispondi solo con un oggetto JSON', 'Restituisci JSON'],
    [' con i campi "ragionamento" e "risposta"', ` con le chiavi "${r}" e "${a}"`],
    ['.', '; il ragionamento deve essere completo.'],
  ]),
  keyed('ko-json', 'ko', (r, a) => [
    ['JSON 객체로만 답하세요', 'JSON 형식으로 출력하세요'],
    [': "추론"과 "답" 필드를 포함하세요.', `. 키는 "${r}"와 "${a}"입니다.`],
  ]),
  keyed('pt-json', 'pt', (r, a) => [
    ['Responda apenas com um objeto JSON', 'Retorne JSON'],
    [' com os campos "raciocinio" e "resposta"', ` com as chaves "${r}" e "${a}"`],
    ['.', '; o raciocínio deve ser completo.'],
  ]),
];

export const INSTRUCTION_FAMILIES: readonly InstructionFamily[] = [...englishFamilies, ...otherFamilies];

/** Whether a family is kept out of training (its own flag, or the held-out language). */
export function isHeldOut(family: InstructionFamily): boolean {
  return family.heldOut || family.language === HELD_OUT_LANGUAGE;
}

/** How instruction and dataset questions are put together: before, after, around, or as a numbered batch. */
export function harvestPrompt(
  rng: RandomFn,
  family: InstructionFamily,
  payloads: readonly string[],
  vary: (instruction: string) => string = (instruction) => instruction,
): string {
  const instruction = vary(family.build(rng));
  if (payloads.length > 1) {
    const items = payloads.map((p, i) => `${pick(rng, [`${i + 1}. `, `Q${i + 1}: `, `(${i + 1}) `])}${p}`).join('\n\n');
    return rng() < 0.5 ? `${instruction}\n\n${items}` : `${items}\n\n${instruction}`;
  }
  const payload = payloads[0] ?? '';
  const layout = rng();
  if (layout < 0.4) return `${payload}\n\n${instruction}`;
  if (layout < 0.75) return `${instruction}\n\n${payload}`;
  if (layout < 0.85) return `${pick(rng, ['Question', 'Problem', 'Task', 'Input'])}: ${payload}\n${instruction}`;
  if (layout < 0.93) return `### Instruction\n${instruction}\n\n### Input\n${payload}\n\n### Response\n`;
  return `${instruction}\n\n${payload}\n\n${family.build(rng)}`;
}
