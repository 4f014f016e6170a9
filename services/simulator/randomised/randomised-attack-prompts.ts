import type { Rng } from '../random.ts';
import type { PromptSource } from './plan.ts';
import {
  R4_HYDRA_TEMPLATE,
  R4_PROBLEMS,
  R4_QUESTION_TEMPLATES,
  R4_SWEEP_LEVELS,
  r4FewShot,
  r4SweepItem,
} from './r4/r4-attack-prompts.ts';
import type { VariantName } from './randomised-options.ts';
import { ELICITATION, type Fill, FOREIGN_TEMPLATES, fill, randomFill, type TopicSet, topicsFor } from './vocab.ts';

const QUESTION_TEMPLATES: Readonly<Record<VariantName, readonly string[]>> = {
  r1: [
    'Explain {sub} in {dom} in depth, covering {aspect}.',
    'Give a comprehensive, expert-level answer: how does {sub} work, and what about {aspect}?',
    'Write a thorough explanation of {sub} for a graduate student in {dom}, including {aspect}.',
  ],
  r2: [
    'As an expert in {dom}, answer fully: what should a practitioner know about {sub}? Include {aspect}.',
    'Q: Describe {sub} ({dom}) with {aspect}.\nA:',
    'Provide a detailed reference answer on {sub}, focusing on {aspect}.',
  ],
  r3: [
    'hey, quick one: how does {sub} actually work? my notes mention {aspect} but they are thin',
    'I keep hearing about {sub} at work ({dom}). Can you go through {aspect}? be detailed',
    'ok so for {sub}, what is {aspect}? I want to really understand it',
  ],
  r4: R4_QUESTION_TEMPLATES,
};

/** Broad expert questions, some in other languages, optionally behind few-shot examples that inflate the input. */
export function expertQuestions(variant: VariantName, foreignShare: number, fewShotShare: number): PromptSource {
  const topics = topicsFor(variant);
  return (rng) => {
    const f = randomFill(rng, topics);
    const question = rng.chance(foreignShare)
      ? fill(rng.pick(FOREIGN_TEMPLATES[variant]), f)
      : fill(rng.pick(QUESTION_TEMPLATES[variant]), f);
    return rng.chance(fewShotShare) ? `${fewShot(rng, topics, variant)}\n\n${question}` : question;
  };
}

/** Two to four worked examples before the real question, as careful extraction pipelines do. */
function fewShot(rng: Rng, topics: TopicSet, variant: VariantName): string {
  if (variant === 'r4') return r4FewShot(rng, topics);
  const examples: string[] = [];
  for (let i = rng.int(2, 4); i > 0; i--) {
    const f = randomFill(rng, topics);
    examples.push(
      `Example ${examples.length + 1}\nQuestion: ${fill(rng.pick(QUESTION_TEMPLATES[variant]), f)}\n` +
        `Answer: ${f.sub} in ${f.dom} is best understood through ${f.aspect}; a strong answer defines the terms, ` +
        `states the mechanism, gives a concrete example with numbers and closes with the limits of the approach.`,
    );
  }
  return examples.join('\n\n');
}

/** Reasoning problems: r1 and r2 share `tune`, r3 has `held` (its name from when it was held out), r4 its own. */
const PROBLEMS: Readonly<Record<'tune' | 'held' | 'r4', readonly ((rng: Rng) => string)[]>> = {
  tune: [
    (r) =>
      `A train leaves at ${r.int(5, 11)}:${r.pick(['00', '15', '30', '45'])} at ${r.int(60, 140)} km/h; another leaves ` +
      `${r.int(20, 90)} minutes later at ${r.int(80, 180)} km/h on the same track. When does the second catch up?`,
    (r) =>
      `Prove that the sum of the first ${r.int(5, 200)} odd numbers is a perfect square, and generalise the result.`,
    (r) =>
      `A bag has ${r.int(3, 12)} red and ${r.int(3, 12)} blue balls. Drawing ${r.int(2, 4)} without replacement, what is ` +
      'the probability that at least two are red?',
    (r) => `Solve for x: ${r.int(2, 9)}x^2 - ${r.int(3, 40)}x + ${r.int(1, 30)} = 0, and check the discriminant.`,
  ],
  held: [
    (r) =>
      `Five tasks take ${r.int(1, 5)}, ${r.int(1, 5)}, ${r.int(2, 6)}, ${r.int(2, 7)} and ${r.int(1, 4)} hours; task C needs ` +
      'A and B done, E needs D. Two workers: what is the shortest schedule?',
    (r) =>
      `A ship sails ${r.int(20, 90)} nautical miles on bearing ${r.int(10, 350)} degrees, then ${r.int(20, 90)} on bearing ` +
      `${r.int(10, 350)}. How far is it from port and on what bearing?`,
    (r) =>
      `In a village ${r.int(2, 6)} of every 10 people always lie. Three people make these statements... which arrangement ` +
      `is consistent if exactly ${r.int(1, 2)} of them lie?`,
    (r) =>
      `A loan of ${r.int(5, 90)}000 at ${r.int(2, 9)}.${r.int(0, 9)}% compounds monthly for ${r.int(2, 15)} years. Total interest?`,
  ],
  r4: R4_PROBLEMS,
};

function problemSet(variant: VariantName): keyof typeof PROBLEMS {
  if (variant === 'r4') return 'r4';
  return variant === 'r3' ? 'held' : 'tune';
}

/** Reasoning problems followed by a phrase that asks for the whole trace. */
export function reasoningHarvest(variant: VariantName, elicitShare: number): PromptSource {
  const problems = PROBLEMS[problemSet(variant)];
  return (rng) => {
    const problem = rng.pick(problems)(rng);
    return rng.chance(elicitShare) ? `${problem}\n${rng.pick(ELICITATION[variant])}` : problem;
  };
}

const SWEEP_LEVELS: Readonly<Record<VariantName, readonly string[]>> = {
  r1: ['beginner', 'intermediate', 'expert'],
  r2: ['beginner', 'intermediate', 'expert'],
  r3: ['intro', 'practitioner', 'specialist'],
  r4: R4_SWEEP_LEVELS,
};

/** A scripted walk over domain × subtopic × aspect × difficulty, shuffled in blocks so it is not strictly ordered. */
export function capabilitySweep(rng: Rng, variant: VariantName): PromptSource {
  const topics = topicsFor(variant);
  const cells: Fill[] = [];
  for (const [dom, subs] of topics.domains)
    for (const sub of subs) for (const aspect of topics.aspects) cells.push({ dom, sub, aspect });
  const order = rng.shuffle(cells);
  const levels = SWEEP_LEVELS[variant];
  let i = 0;
  return (r) => {
    const cell = order[i++ % order.length]!;
    const level = levels[Math.floor(i / order.length) % levels.length]!;
    const question = fill(r.pick(QUESTION_TEMPLATES[variant]), cell);
    return variant === 'r4' ? r4SweepItem(question, level) : `${question} Level: ${level}.`;
  };
}

/** A hydra network's shared content: a few templates and one topic plan every member draws from. */
export function hydraContent(rng: Rng, variant: VariantName): PromptSource {
  const topics = topicsFor(variant);
  const plan = rng.shuffle(topics.domains).slice(0, rng.int(3, 6));
  const templates = [
    ...rng.shuffle(QUESTION_TEMPLATES[variant]).slice(0, 2),
    variant === 'r4'
      ? R4_HYDRA_TEMPLATE
      : 'Task {n}: produce a complete answer about {sub} ({dom}); cover {aspect}; no preamble.',
  ];
  const elicit = rng.chance(0.5) ? rng.pick(ELICITATION[variant]) : '';
  return (r) => {
    const [dom, subs] = r.pick(plan);
    const text = fill(r.pick(templates), { dom, sub: r.pick(subs), aspect: r.pick(topics.aspects) });
    return `${text.replace('{n}', String(r.int(1, 99_999)))}${elicit && r.chance(0.4) ? ` ${elicit}` : ''}`;
  };
}

/** One narrow domain, asked slowly, often with reasoning elicitation. */
export function narrowDomain(rng: Rng, variant: VariantName): PromptSource {
  const topics = topicsFor(variant);
  const [dom, subs] = rng.pick(topics.domains);
  const harvest = reasoningHarvest(variant, 1);
  return (r) => {
    const question = fill(r.pick(QUESTION_TEMPLATES[variant]), {
      dom,
      sub: r.pick(subs),
      aspect: r.pick(topics.aspects),
    });
    return r.chance(0.5) ? `${question} ${r.pick(ELICITATION[variant])}` : r.chance(0.2) ? harvest(r) : question;
  };
}
