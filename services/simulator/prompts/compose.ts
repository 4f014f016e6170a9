import type { Rng } from '../random.ts';
import { DOCUMENT_WORDS, DOMAINS } from './domains.ts';
import { PHRASES, type PromptLanguage } from './phrases.ts';

export const MIN_PROMPT_CHARS = 50;
export const MAX_PROMPT_CHARS = 2000;

/** A prompt length drawn log-normally around `median` chars, clipped to the simulator's range. */
export function promptLength(rng: Rng, median: number, sigma = 0.6): number {
  const n = Math.round(rng.logNormal(median, sigma));
  return Math.min(MAX_PROMPT_CHARS, Math.max(MIN_PROMPT_CHARS, n));
}

export function term(rng: Rng, domain: string): string {
  return rng.pick(DOMAINS[domain] ?? DOMAINS.programming!);
}

/** Fills `{t}` and `{u}` with two distinct-ish terms of one domain. */
export function fill(template: string, t: string, u: string): string {
  return template.replace('{t}', t).replace('{u}', u);
}

/** One natural-language context sentence about the domain. */
export function contextSentence(rng: Rng, lang: PromptLanguage, domain: string): string {
  return fill(rng.pick(PHRASES[lang].context), term(rng, domain), term(rng, domain));
}

/** Pads `core` with distinct context sentences (before or after, like people do) until about `targetChars`. */
export function padWithContext(
  rng: Rng,
  core: string,
  targetChars: number,
  lang: PromptLanguage,
  domain: string,
): string {
  const templates = PHRASES[lang].context;
  let unused = templates.slice();
  const before: string[] = [];
  const after: string[] = [];
  let length = core.length;
  while (length < targetChars) {
    if (unused.length === 0) unused = templates.slice();
    const index = rng.int(0, unused.length - 1);
    const template = unused[index]!;
    unused[index] = unused[unused.length - 1]!;
    unused.pop();
    const sentence = fill(template, term(rng, domain), term(rng, domain));
    (rng.chance(0.5) ? before : after).push(sentence);
    length += sentence.length + 1;
  }
  return [...before, core, ...after].join(' ').slice(0, MAX_PROMPT_CHARS);
}

/** A pseudo business document (invoice lines, ticket text) of about `chars` characters. */
export function documentBody(rng: Rng, chars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = rng.pick(DOCUMENT_WORDS);
    const token = rng.chance(0.2) ? `${word} #${rng.int(1000, 99999)}` : rng.chance(0.1) ? `${word}:` : word;
    parts.push(token);
    length += token.length + 1;
    if (rng.chance(0.08)) parts.push(`\n${rng.int(1, 28)}/${rng.int(1, 12)}/2026`);
  }
  return parts.join(' ');
}

/** A few lines of plausible source code mentioning the subject. */
export function codeSnippet(rng: Rng, subject: string, lines: number): string {
  const ident = subject.replace(/[^a-zA-Z]+/g, '_').replace(/^_|_$/g, '') || 'value';
  const out: string[] = [`function handle_${ident}(input) {`];
  for (let i = 0; i < lines; i++) {
    const v = `${rng.pick(['item', 'node', 'entry', 'buf', 'acc', 'row'])}${rng.int(0, 9)}`;
    out.push(
      rng.pick([
        `  const ${v} = input.${rng.pick(['map', 'filter', 'reduce'])}((x) => x.${ident});`,
        `  if (!${v}) throw new Error('missing ${ident}');`,
        `  for (const k of Object.keys(${v})) total += ${v}[k] ?? 0;`,
        `  await cache.set('${ident}:' + ${v}.id, ${v}, { ttl: ${rng.int(10, 600)} });`,
        `  return ${v}.length > ${rng.int(1, 50)} ? ${v}.slice(0, ${rng.int(1, 20)}) : ${v};`,
      ]),
    );
  }
  out.push('}');
  return out.join('\n');
}

/** Light paraphrase: optional politeness prefix and varied punctuation, as different people phrase one request. */
export function paraphrase(rng: Rng, text: string): string {
  const prefix = rng.weighted<string>([
    ['', 6],
    ['Hi! ', 1],
    ['Hey, ', 1],
    ['Please: ', 1],
    ['So, ', 1],
  ]);
  const body = rng.chance(0.15) ? text.toLowerCase() : text;
  return prefix + (rng.chance(0.2) ? body.replace(/\?$/, '??') : body);
}
