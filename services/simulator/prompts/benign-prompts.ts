import type { Rng } from '../random.ts';
import {
  codeSnippet,
  contextSentence,
  documentBody,
  fill,
  padWithContext,
  paraphrase,
  promptLength,
  term,
} from './compose.ts';
import { DOMAIN_NAMES } from './domains.ts';
import { PHRASES, type PromptLanguage, REASONING_ELICITATION } from './phrases.ts';

/** Produces the next prompt of one key; closures keep per-key state such as a job's template. */
export type PromptMaker = (rng: Rng) => string;

/** Consumer chat: many end users, many languages and topics, mostly short with occasional pasted context. */
export function chatPrompts(languages: readonly (readonly [PromptLanguage, number])[]): PromptMaker {
  return (rng) => {
    const lang = rng.weighted(languages);
    const domain = rng.pick(DOMAIN_NAMES);
    const kind = rng.chance(0.6) ? PHRASES[lang].ask : PHRASES[lang].write;
    const core = fill(rng.pick(kind), term(rng, domain), term(rng, domain));
    const closer = rng.pick(PHRASES[lang].closers);
    const target = rng.chance(0.1) ? promptLength(rng, 1200, 0.4) : promptLength(rng, 260, 0.7);
    return paraphrase(rng, padWithContext(rng, core, target, lang, domain) + (closer ? ` ${closer}` : ''));
  };
}

/** Coding agent: task description plus a code excerpt from the working tree. */
export function codingPrompts(): PromptMaker {
  const tasks = ['Refactor', 'Add tests for', 'Fix the bug in', 'Explain', 'Optimise', 'Add error handling to'];
  return (rng) => {
    const subject = term(rng, rng.chance(0.8) ? 'programming' : 'security');
    const file = `${rng.pick(['src', 'lib', 'app', 'pkg'])}/${rng.pick(['server', 'cache', 'auth', 'jobs', 'api'])}.ts`;
    const head = `${rng.pick(tasks)} the code handling ${subject} in ${file}. Run the tests after editing.`;
    const lines = Math.max(2, Math.round(promptLength(rng, 700, 0.6) / 60));
    return `${head}\n\n\`\`\`ts\n${codeSnippet(rng, subject, lines)}\n\`\`\``;
  };
}

/** Enterprise document pipeline: one fixed instruction template per job over a stream of documents. */
export function documentPipelinePrompts(rng: Rng): PromptMaker {
  const fields = rng.shuffle(['invoice number', 'due date', 'total amount', 'supplier name', 'currency', 'VAT id']);
  const header =
    `You are an extraction service. From the document below, extract ${fields.slice(0, 4).join(', ')}. ` +
    'Return JSON only, with null for missing fields.\n\nDOCUMENT:\n';
  return (r) => header + documentBody(r, promptLength(r, 600, 0.5));
}

/** Evaluation harness: a benchmark sweep, item by item, in a fixed multiple-choice format. */
export function benchmarkPrompts(rng: Rng): PromptMaker {
  const benchmark = rng.pick(['MMLU-style', 'ARC-style', 'internal-qa-v3', 'domain-eval-2026']);
  let item = rng.int(0, 500);
  return (r) => {
    item += 1;
    const domain = DOMAIN_NAMES[item % DOMAIN_NAMES.length]!;
    const options = [0, 1, 2, 3].map((i) => `${'ABCD'[i]}) ${term(r, domain)}`).join('\n');
    return (
      `[${benchmark} item ${item}] The following is a multiple choice question about ${domain}.\n\n` +
      `${contextSentence(r, 'en', domain)} Which of the following best relates to ${term(r, domain)}?\n` +
      `${options}\nAnswer with the letter only.`
    );
  };
}

/** Data-labelling job: one label set and instruction, short texts to label. */
export function labellingPrompts(rng: Rng): PromptMaker {
  const labels = rng.pick([
    ['positive', 'negative', 'neutral'],
    ['billing', 'technical', 'account', 'other'],
    ['spam', 'not_spam'],
    ['toxic', 'non_toxic', 'unclear'],
  ]);
  const instruction = `Label the following text with exactly one of: ${labels.join(', ')}. Reply with the label only.`;
  return (r) => `${instruction}\n\nText: ${documentBody(r, promptLength(r, 220, 0.5))}`;
}

/** Researcher: a couple of home domains, long careful questions, sometimes studying reasoning on purpose. */
export function researchPrompts(rng: Rng): PromptMaker {
  const home = [rng.pick(DOMAIN_NAMES), rng.pick(DOMAIN_NAMES)];
  return (r) => {
    const domain = r.pick(home);
    const core = fill(r.pick(PHRASES.en.ask), term(r, domain), term(r, domain));
    const body = padWithContext(r, core, promptLength(r, 700, 0.5), 'en', domain);
    return r.chance(0.15) ? `${body} ${r.pick(REASONING_ELICITATION[0]!)}` : body;
  };
}

/** Hobbyist: occasional short chats about everyday topics. */
export function hobbyPrompts(rng: Rng): PromptMaker {
  const lang: PromptLanguage = rng.weighted([
    ['en', 6],
    ['de', 1],
    ['es', 1],
    ['fr', 1],
    ['ja', 1],
  ]);
  const interests = rng.shuffle(['cooking', 'travel', 'writing', 'history', 'finance', 'medicine']).slice(0, 3);
  return (r) => {
    const domain = r.pick(interests);
    const core = fill(
      r.pick(r.chance(0.5) ? PHRASES[lang].ask : PHRASES[lang].write),
      term(r, domain),
      term(r, domain),
    );
    return paraphrase(r, padWithContext(r, core, promptLength(r, 180, 0.6), lang, domain));
  };
}
