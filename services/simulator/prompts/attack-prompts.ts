import type { Rng } from '../random.ts';
import type { PromptMaker } from './benign-prompts.ts';
import { contextSentence, fill, padWithContext, paraphrase, promptLength, term } from './compose.ts';
import { DOMAIN_NAMES, DOMAINS } from './domains.ts';
import { PHRASES, REASONING_ELICITATION } from './phrases.ts';

const EXPERT_INSTRUCTIONS = [
  'Answer as a world-class expert. Give a comprehensive, well-structured response of at least 800 words.',
  'Provide an exhaustive, textbook-quality explanation with examples, edge cases and a summary.',
  'Write the ideal reference answer a top professor would give, covering every relevant aspect.',
];

function elicitation(rng: Rng, variant: number): string {
  return rng.pick(REASONING_ELICITATION[variant % REASONING_ELICITATION.length]!);
}

/** A problem statement that needs multi-step reasoning. */
function reasoningProblem(rng: Rng, domain: string): string {
  return rng.pick([
    `Solve the following problem about ${term(rng, domain)}: given ${rng.int(2, 40)} constraints and an initial value of ${rng.int(1, 999)}, determine the optimal outcome.`,
    `Prove or disprove: ${term(rng, domain)} always implies a property of ${term(rng, domain)} when n = ${rng.int(3, 97)}.`,
    `A system involving ${term(rng, domain)} starts at ${rng.int(10, 500)} units and changes by ${rng.int(2, 30)}% per step. What happens after ${rng.int(3, 20)} steps, and why?`,
    `Debug this reasoning: someone claims ${term(rng, domain)} explains ${term(rng, domain)}. Where exactly is the flaw?`,
  ]);
}

/** Bulk distillation: broad coverage of every domain, asking for long expert answers to train a student model. */
export function distillationPrompts(rng: Rng, variant: number): PromptMaker {
  const instruction = EXPERT_INSTRUCTIONS[variant % EXPERT_INSTRUCTIONS.length]!;
  const domains = rng.shuffle(DOMAIN_NAMES);
  return (r) => {
    const domain = r.pick(domains);
    const core = fill(r.pick(PHRASES.en.ask), term(r, domain), term(r, domain));
    const body = padWithContext(r, core, promptLength(r, 380, 0.5), 'en', domain);
    return variant === 2 ? `${paraphrase(r, body)} ${instruction}` : `${instruction}\n\n${body}`;
  };
}

/** Chain-of-thought harvesting: reasoning problems plus phrases that coerce the full reasoning trace. */
export function cotHarvestPrompts(rng: Rng, variant: number): PromptMaker {
  const domains = rng.shuffle(['mathematics', 'physics', 'programming', 'chemistry', 'economics', 'law']).slice(0, 4);
  return (r) => {
    const domain = r.pick(domains);
    const problem = reasoningProblem(r, domain);
    const body = r.chance(0.5) ? padWithContext(r, problem, promptLength(r, 450, 0.5), 'en', domain) : problem;
    return r.chance(0.5) ? `${body}\n\n${elicitation(r, variant)}` : `${elicitation(r, variant)}\n\n${body}`;
  };
}

/** Systematic capability sweep: walks domain × subtopic in order, each item asking for a problem and solution. */
export function capabilitySweepPrompts(rng: Rng, variant: number): PromptMaker {
  const order = rng.shuffle(DOMAIN_NAMES).flatMap((d) => (DOMAINS[d] ?? []).map((t) => [d, t] as const));
  let index = rng.int(0, order.length - 1);
  let pass = 0;
  return (r) => {
    index += 1;
    if (index % order.length === 0) pass += 1;
    const [domain, subject] = order[index % order.length]!;
    const difficulty = ['introductory', 'intermediate', 'advanced', 'olympiad'][pass % 4];
    const header = variant === 1 ? `Item ${index}` : `[sweep ${pass}.${index % order.length}/${order.length}]`;
    return (
      `${header} Domain: ${domain}. Subtopic: ${subject}. Level: ${difficulty}.\n` +
      `Write a challenging ${difficulty} question about ${subject} and then a complete worked solution. ` +
      `${contextSentence(r, 'en', domain)}`
    );
  };
}

/**
 * Hydra network member: the campaign's few narrow capability templates (shared by every member), with slots.
 * `templates` comes from `hydraTemplates` so all members of a campaign share them.
 */
export function hydraPrompts(templates: readonly string[], focus: readonly string[], variant: number): PromptMaker {
  return (r) => {
    const domain = r.pick(focus);
    const text = fill(r.pick(templates), term(r, domain), reasoningProblem(r, domain));
    return variant === 2 ? paraphrase(r, text) : text;
  };
}

/** The shared templates of one hydra campaign: narrow task framing plus reasoning elicitation. */
export function hydraTemplates(rng: Rng, variant: number): { templates: string[]; focus: string[] } {
  const focus = rng.shuffle(['programming', 'mathematics', 'security', 'physics']).slice(0, 2);
  const agentic = `You are an autonomous agent. Use tools when needed. Task concerning {t}: {u}`;
  const templates = [
    `${agentic}\n${elicitation(rng, variant)}`,
    `Task concerning {t}. {u}\n${elicitation(rng, variant)}`,
    `### Instruction\nSolve: {u}\n### Requirements\nFocus on {t}. ${elicitation(rng, variant)}`,
  ];
  return { templates, focus };
}

/** Low-and-slow extraction: one narrow domain, reasoning elicitation, paraphrased so prompts rarely repeat. */
export function lowAndSlowPrompts(rng: Rng, variant: number): PromptMaker {
  const domain = rng.pick(['mathematics', 'programming', 'medicine', 'law']);
  return (r) => {
    const core = r.chance(0.6)
      ? reasoningProblem(r, domain)
      : fill(r.pick(PHRASES.en.ask), term(r, domain), term(r, domain));
    const body = padWithContext(r, core, promptLength(r, 500, 0.5), 'en', domain);
    return paraphrase(r, r.chance(0.7) ? `${body} ${elicitation(r, variant)}` : body);
  };
}
