import type { Rng } from '../../random.ts';
import type { PromptSource } from '../plan.ts';
import { randomFill } from '../vocab.ts';
import { R4_TOPICS } from './r4-vocab.ts';

/** Held-out variant r4 (README.md here: not to be read by whoever tunes the detector). Benign request grammars. */

const CHAT = [
  'my {pet} keeps {habit}, is that normal or should I see a vet?',
  'Plan a {days}-day trip to {city} on a small budget. I mostly care about {interest}.',
  'Rewrite this so it sounds friendlier but still firm: "{note}"',
  'what can i cook with {food} and {food} in 20 minutes',
  'My car makes a {noise} noise when {when}. What could it be and is it safe to drive?',
  'Give me a packing list for {event}.',
  'Can you check this for mistakes? "{note}"',
] as const;

const CHAT_FILL = {
  pet: ['dog', 'cat', 'rabbit', 'parrot', 'guinea pig'],
  habit: ['scratching the door at night', 'eating grass', 'hiding under the bed', 'waking us up at 4 am'],
  days: ['2', '3', '4', '5', '6'],
  city: ['Lisbon', 'Hanoi', 'Montreal', 'Kraków', 'Cape Town', 'Osaka', 'Tbilisi'],
  interest: ['museums', 'street food', 'hiking', 'live music', 'architecture'],
  note: [
    'Send me the figures by Monday or we cannot proceed.',
    'The meeting is cancelled, dont come.',
    'Please stop parking in front of my garage.',
    'Your invoice is 30 days overdue.',
    'We has decided to not renew the contract this year.',
  ],
  food: ['chickpeas', 'eggs', 'spinach', 'rice', 'tofu', 'leftover chicken', 'canned tuna', 'sweet potatoes'],
  noise: ['grinding', 'clicking', 'squealing', 'humming'],
  when: ['I brake', 'I turn left', 'the engine is cold', 'I accelerate on the motorway'],
  event: ['a camping weekend', 'a wedding abroad', 'a winter business trip', 'a beach holiday with two kids'],
} as const;

/** The generator's own end-user messages for r4, when no real human turns are loaded. */
export const r4Chat: PromptSource = (rng) =>
  rng
    .pick(CHAT)
    .replace(/\{(pet|habit|days|city|interest|note|food|noise|when|event)\}/g, (_, k: keyof typeof CHAT_FILL) =>
      rng.pick(CHAT_FILL[k]),
    );

const TUTOR = [
  '[{subject}, year {g}] I am stuck on {p}. Can you explain the method so I can do the next one myself?',
  'Homework help: {p}. Please show each step and tell me which rule you used.',
  'My teacher marked my answer to {p} wrong. What is the right approach? I am in year {g}.',
  'quiz tomorrow!! how do you do {p}',
] as const;

const EQUATIONS = ['Fe + O2 -> Fe2O3', 'C3H8 + O2 -> CO2 + H2O', 'Al + HCl -> AlCl3 + H2', 'N2 + H2 -> NH3'] as const;
const SENTENCES = [
  'Yesterday I go to the market and buy apples',
  'She have been studying since two hours',
  'They was happy when the bus arrive',
] as const;

function schoolProblem(rng: Rng): { subject: string; problem: string } {
  switch (rng.int(0, 4)) {
    case 0:
      return { subject: 'chemistry', problem: `balancing ${rng.pick(EQUATIONS)}` };
    case 1:
      return { subject: 'physics', problem: `how long a stone dropped from ${rng.int(5, 120)} m takes to land` };
    case 2:
      return { subject: 'computing', problem: `converting ${rng.int(19, 1000)} to binary` };
    case 3: {
      const list = Array.from({ length: rng.int(5, 9) }, () => rng.int(1, 60)).join(', ');
      return { subject: 'statistics', problem: `finding the median and the mean of ${list}` };
    }
    default:
      return { subject: 'English', problem: `the tense mistakes in "${rng.pick(SENTENCES)}"` };
  }
}

/** Tutoring apps in r4: school subjects beyond arithmetic, students asking how a method works. */
export const r4Tutoring: PromptSource = (rng) => {
  const { subject, problem } = schoolProblem(rng);
  return rng
    .pick(TUTOR)
    .replace('{subject}', subject)
    .replace('{p}', problem)
    .replace('{g}', String(rng.int(6, 13)));
};

/** Document pipelines in r4: one record per request, rendered into a long document of one of two kinds. */
export function r4Documents(rng: Rng): PromptSource {
  const kinds = rng
    .shuffle([
      'incident postmortem',
      'release notes',
      'tenancy agreement summary',
      'vendor security questionnaire response',
      'clinical site visit report',
      'annual sustainability disclosure',
      'restaurant menu descriptions',
    ])
    .slice(0, 2);
  const plain = rng.chance(0.5);
  return (r) =>
    `Generate the ${r.pick(kinds)} for this record. Target ${r.pick(['1,200-1,600', '1,500-2,000', '800-1,200'])} words.\n` +
    `record_id: ${r.token(10)}\nregion: ${r.pick(['EMEA', 'APAC', 'LATAM', 'NA'])}\nowner: ${r.pick(['ops', 'legal', 'facilities', 'quality', 'finance'])}\n` +
    `populated_fields: ${r.int(8, 40)}\nRequired parts: overview, ${r.int(3, 8)} body sections, open risks, next steps.\n` +
    (plain ? 'Plain text only; no markdown.' : 'House style: British spelling, short paragraphs.');
}

/** Benchmark harnesses in r4: true/false and numbered-choice items, subject by subject, answer only. */
export function r4EvalSweep(rng: Rng): PromptSource {
  const subjects = rng.shuffle(R4_TOPICS.domains.flatMap(([dom, subs]) => subs.map((s) => `${dom}/${s}`)));
  const bench = rng.pick(['heldbench', 'pro-qa', 'domain-suite', 'internal-v7']);
  const trueFalse = rng.chance(0.5);
  let i = rng.int(0, 10_000);
  return (r) => {
    const subject = subjects[Math.floor(i++ / 25) % subjects.length]!;
    const head = `[${bench}/${subject}] item ${i % 25}\n`;
    return trueFalse
      ? `${head}Statement: ${r.token(10)} ${r.token(6)} ${r.token(9)}.\nTrue or false? Reply with one word.`
      : `${head}${r.token(12)}?\n(1) ${r.token(7)}\n(2) ${r.token(7)}\n(3) ${r.token(7)}\n(4) ${r.token(7)}\n` +
          'Reply with the number only.';
  };
}

/** Synthetic-data jobs in r4: rows of labelled examples as CSV or JSON lines. */
export function r4SyntheticData(rng: Rng): PromptSource {
  const item = rng.pick([
    'chat transcripts between a bank and its customers',
    'app store reviews',
    'search queries with their intent',
    'support ticket titles with a priority',
    'recipe variations',
    'insurance claim descriptions',
  ]);
  const csv = rng.chance(0.5);
  return (r) => {
    const f = randomFill(r, R4_TOPICS);
    const format = csv ? 'CSV rows (columns: id,text,label)' : 'JSON lines ({"text": ..., "label": ...})';
    return (
      `Produce ${r.int(10, 50)} ${format} of ${item}. Vary tone, length and spelling. Theme: ${f.sub} ` +
      `(${f.dom}). No duplicates. Random seed ${r.int(1, 1_000_000)}.`
    );
  };
}

function tsSnippet(rng: Rng): string {
  const fn = `${rng.pick(['fetch', 'index', 'dedupe', 'flush'])}${rng.pick(['Invoices', 'Sessions', 'Orders', 'Metrics'])}`;
  return (
    `\`\`\`ts\nexport async function ${fn}(ids: string[], batch = ${rng.int(10, 500)}) {\n` +
    '  const out: Row[] = [];\n  for (let i = 0; i < ids.length; i += batch) {\n' +
    '    out.push(...(await db.get(ids.slice(i, i + batch))));\n  }\n  return out;\n}\n```'
  );
}

function goSnippet(rng: Rng): string {
  const field = rng.pick(['Owner', 'Region', 'Status', 'Tag']);
  return (
    `\`\`\`go\nfunc Keep${field}(items []Item, max int) []Item {\n\tvar res []Item\n\tfor _, it := range items {\n` +
    `\t\tif it.${field} != "" {\n\t\t\tres = append(res, it)\n\t\t}\n\t}\n\tif len(res) > max {\n` +
    `\t\tres = res[:max]\n\t}\n\treturn res\n}\n\`\`\``
  );
}

function sqlSnippet(rng: Rng): string {
  return (
    '```sql\nSELECT c.id, SUM(o.total) AS spend\nFROM customers c JOIN orders o ON o.customer_id = c.id\n' +
    `WHERE o.created_at > now() - INTERVAL '${rng.int(7, 90)} days'\nGROUP BY c.id\nHAVING SUM(o.total) > ${rng.int(100, 5000)};\n\`\`\``
  );
}

/** Coding assistants in r4: TypeScript, Go and SQL with their own requests. */
export const r4Coding: PromptSource = (rng) => {
  const lang = rng.int(0, 2);
  if (lang === 2)
    return `${rng.pick(['Why is this slow on 40M rows?', 'Rewrite without the join if possible:'])}\n${sqlSnippet(rng)}`;
  const ask = rng.pick([
    'Make this safe to call concurrently.',
    'Write table-driven tests for this.',
    'Explain what this does and simplify it.',
    'Add retries with backoff here.',
  ]);
  return `${ask}\n${lang === 0 ? tsSnippet(rng) : goSnippet(rng)}`;
};

const TARGET_LANGUAGES = ['Korean', 'Vietnamese', 'Dutch', 'Swedish', 'Czech', 'Hebrew'] as const;

/** Translation jobs in r4: a localisation brief around the source text. */
export function r4Translation(source: PromptSource): PromptSource {
  return (rng) => {
    const lang = rng.pick(TARGET_LANGUAGES);
    return rng.chance(0.5)
      ? `Source language: detect. Target: ${lang}. Keep placeholders such as {name} untouched.\n---\n${source(rng)}`
      : `Please give a natural ${lang} version of this text for our website:\n${source(rng)}`;
  };
}

/** Internal assistants in r4: numbered knowledge-base passages, then the staff member's question. */
export function r4InternalAssistant(question: PromptSource): PromptSource {
  return (rng) => {
    const a = randomFill(rng, R4_TOPICS);
    const b = randomFill(rng, R4_TOPICS);
    return (
      'Answer staff questions using only the passages below.\n' +
      `[KB-${rng.int(100, 9999)}] ${a.sub}: procedure overview\n[KB-${rng.int(100, 9999)}] ${b.sub}: exceptions and approvals\n` +
      `Staff question: ${question(rng)}`
    );
  };
}
