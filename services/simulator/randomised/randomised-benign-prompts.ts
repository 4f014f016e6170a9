import type { Rng } from '../random.ts';
import type { PromptSource } from './plan.ts';
import {
  r4Chat,
  r4Coding,
  r4Documents,
  r4EvalSweep,
  r4InternalAssistant,
  r4SyntheticData,
  r4Translation,
  r4Tutoring,
} from './r4/r4-benign-prompts.ts';
import type { VariantName } from './randomised-options.ts';
import { randomFill, topicsFor } from './vocab.ts';

/**
 * Every source below has one grammar for r1 and r2 (`tune`), one for r3 (`held`, named when r3 was the held-out
 * variant) and one for r4 in `r4/`, held out: whoever tunes the detector does not read that folder.
 */

const CHAT: Readonly<Record<'tune' | 'held', readonly string[]>> = {
  tune: [
    'How do I {task}? Explain step by step.',
    'What is the difference between {a} and {b}?',
    'Write a short email to my {who} about {thing}.',
    'Can you summarise the main points of {thing} for a meeting?',
    'I need ideas for {thing}. Give me five.',
    'Why does {a} happen? Explain your reasoning.',
  ],
  held: [
    'pls help me {task}, whats the easiest way',
    'compare {a} vs {b} for someone new to this',
    'draft a polite message to the {who} re: {thing}',
    'tl;dr of {thing}?',
    'brainstorm: {thing} (need something by friday)',
    'is it true that {a} is better than {b}? walk me through your thinking',
  ],
};

const FILL = {
  task: [
    'set up a home network',
    'fix a leaking tap',
    'write a cover letter',
    'plan a week of meals',
    'learn SQL joins',
    'prepare for an interview',
    'file taxes as a freelancer',
  ],
  a: ['index funds', 'REST', 'a Roth IRA', 'sourdough', 'Python lists', 'heat pumps', 'remote work'],
  b: ['ETFs', 'GraphQL', 'a 401k', 'yeast bread', 'tuples', 'gas boilers', 'office work'],
  who: ['landlord', 'manager', 'team', 'customer', 'professor', 'neighbour'],
  thing: [
    'the quarterly results',
    'a birthday party',
    'our product launch',
    'the new policy',
    'a team offsite',
    'the onboarding plan',
  ],
} as const;

function chatFiller(rng: Rng, template: string): string {
  return template.replace(/\{(task|a|b|who|thing)\}/g, (_, k: keyof typeof FILL) => rng.pick(FILL[k]));
}

/** End-user messages: real human turns from ShareGPT when available, else the generator's own chat grammar. */
export function humanChat(humans: readonly string[] | null, variant: VariantName): PromptSource {
  if (humans && humans.length > 0) return (rng) => rng.pick(humans);
  if (variant === 'r4') return r4Chat;
  const templates = CHAT[variant === 'r3' ? 'held' : 'tune'];
  return (rng) => chatFiller(rng, rng.pick(templates));
}

const TUTOR: Readonly<Record<'tune' | 'held', readonly string[]>> = {
  tune: [
    'Explain step by step how to solve {p}. I am in grade {g}.',
    'My homework asks: {p}. Can you show the reasoning for each step?',
    'I got a different answer for {p}. Walk through the solution and explain your reasoning.',
  ],
  held: [
    'Student question (grade {g}): {p} — give hints first, then the full worked solution.',
    'Tutor mode. Problem: {p}. Check each step of the method and explain why it works.',
    'Help me understand {p} like I am {g} years old, step by step.',
  ],
};

/** Tutoring apps: school problems with explicit requests for step-by-step explanations (legitimately). */
export function tutoring(variant: VariantName): PromptSource {
  if (variant === 'r4') return r4Tutoring;
  const templates = TUTOR[variant === 'r3' ? 'held' : 'tune'];
  return (rng) => {
    const a = rng.int(2, 40);
    const b = rng.int(2, 40);
    const problem = rng.pick([
      `${a}x + ${b} = ${a * rng.int(1, 9) + b}`,
      `the area of a triangle with base ${a} cm and height ${b} cm`,
      `what ${a}% of ${b * 10} is`,
      `how long a car at ${a + 40} km/h takes to drive ${b * 7} km`,
      `simplifying ${a}/${a * b}`,
    ]);
    return rng
      .pick(templates)
      .replace('{p}', problem)
      .replace('{g}', String(rng.int(5, 12)));
  };
}

/** Document generation: one pipeline's few report templates filled per customer record; long outputs. */
export function documents(rng: Rng, variant: VariantName): PromptSource {
  if (variant === 'r4') return r4Documents(rng);
  const kinds = rng
    .shuffle([
      'quarterly business review',
      'insurance claim summary',
      'property listing',
      'compliance report',
      'product manual chapter',
      'grant proposal',
      'due-diligence memo',
    ])
    .slice(0, 2);
  const style =
    variant === 'r3' ? 'Format: markdown, headings, tables where useful.' : 'Use formal tone and numbered sections.';
  return (r) =>
    `Write a complete ${r.pick(kinds)} for client #${r.int(1000, 99_999)} (${r.pick(['retail', 'logistics', 'healthcare', 'fintech', 'energy'])}). ` +
    `Include an executive summary, ${r.int(4, 9)} sections and recommendations. ${style}`;
}

/** An eval harness: multiple-choice items subject by subject (benchmark order), temperature 0 and logprobs. */
export function evalSweep(rng: Rng, variant: VariantName): PromptSource {
  if (variant === 'r4') return r4EvalSweep(rng);
  const topics = topicsFor(rng.chance(0.5) ? variant : 'r1');
  const subjects = rng.shuffle(topics.domains.flatMap(([dom, subs]) => subs.map((s) => `${dom}: ${s}`)));
  let i = rng.int(0, 10_000);
  return (r) => {
    const subject = subjects[Math.floor(i++ / 40) % subjects.length]!;
    return (
      `The following are multiple choice questions about ${subject}.\n\nQuestion ${i % 40}: Which statement is correct?\n` +
      `A. ${r.token(8)}\nB. ${r.token(8)}\nC. ${r.token(8)}\nD. ${r.token(8)}\nAnswer:`
    );
  };
}

/** Legitimate synthetic-data generation within the terms: templated requests for many varied outputs. */
export function syntheticData(rng: Rng, variant: VariantName): PromptSource {
  if (variant === 'r4') return r4SyntheticData(rng);
  const item = rng.pick([
    'customer support dialogues',
    'product reviews',
    'FAQ entries',
    'SQL questions with answers',
    'e-mail subject lines',
    'job postings',
  ]);
  const topics = topicsFor(variant);
  return (r) => {
    const f = randomFill(r, topics);
    return (
      `Generate ${r.int(5, 20)} diverse ${item} as a JSON array. Domain: ${f.dom}. Mention ${f.sub}. ` +
      `Persona: ${r.pick(['novice', 'expert', 'frustrated customer', 'student'])}. Seed: ${r.int(1, 1_000_000)}.`
    );
  };
}

/** Coding assistants: code plus an instruction; context tokens carry the repository files. */
export function coding(variant: VariantName): PromptSource {
  if (variant === 'r4') return r4Coding;
  const verbs =
    variant === 'r3'
      ? ['port to Rust', 'add tracing to', 'fuzz', 'memoise']
      : ['refactor', 'add tests for', 'fix the bug in', 'document'];
  return (rng) => {
    const fn = `${rng.pick(['parse', 'load', 'merge', 'render', 'sync'])}_${rng.pick(['orders', 'users', 'config', 'events'])}`;
    return (
      `${rng.pick(verbs)} this function:\n\`\`\`\ndef ${fn}(items, limit=${rng.int(1, 500)}):\n` +
      `    out = []\n    for it in items:\n        if it.get("${rng.token(5)}"):\n            out.append(it)\n    return out[:limit]\n\`\`\``
    );
  };
}

/** Translation jobs: source texts (human messages when available) into a target language. */
export function translation(humans: readonly string[] | null, variant: VariantName): PromptSource {
  const source = humanChat(humans, variant);
  if (variant === 'r4') return r4Translation(source);
  const languages =
    variant === 'r3' ? ['Portuguese', 'Indonesian', 'Turkish', 'Polish'] : ['German', 'French', 'Japanese', 'Spanish'];
  return (rng) => `Translate into ${rng.pick(languages)}, keep formatting:\n\n${source(rng)}`;
}

/** Internal assistants: retrieved document snippets plus an employee question. */
export function internalAssistant(humans: readonly string[] | null, variant: VariantName): PromptSource {
  const question = humanChat(humans, variant);
  if (variant === 'r4') return r4InternalAssistant(question);
  const topics = topicsFor(variant);
  return (rng) => {
    const f = randomFill(rng, topics);
    return `Context (intranet, doc ${rng.token(6)}): policy notes on ${f.sub}.\n\nQuestion: ${question(rng)}`;
  };
}
