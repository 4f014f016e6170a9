import type { Rng } from '../../random.ts';
import { fill, randomFill, type TopicSet } from '../vocab.ts';

/** Held-out variant r4 (README.md here: not to be read by whoever tunes the detector). Extraction phrasings. */
export const R4_QUESTION_TEMPLATES: readonly string[] = [
  '{sub}: {aspect}. Detailed answer please.',
  'Context: I am preparing internal training material for the {dom} team.\nTopic: {sub}\nMust cover: {aspect}\n' +
    'Length: 600-900 words of plain prose, no bullet points.',
  'Return a JSON object with the keys "summary", "details" and "caveats" describing {sub} in {dom}, ' +
    'with emphasis on {aspect}.',
  'What would a senior specialist in {dom} say about {sub}, specifically {aspect}? Write it as a handbook entry.',
  'Compare the two main schools of thought on {sub} ({dom}) with respect to {aspect}, then say which is stronger and why.',
];

/** One to three worked input/output blocks ahead of the real question. */
export function r4FewShot(rng: Rng, topics: TopicSet): string {
  const blocks: string[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    const f = randomFill(rng, topics);
    blocks.push(
      `### Input\n${fill(rng.pick(R4_QUESTION_TEMPLATES), f)}\n### Output\n` +
        `Overview: ${f.sub} sits at the centre of much ${f.dom} practice. Mechanism: stated precisely, with the ` +
        `governing quantities named. On ${f.aspect}: two concrete points, each backed by a figure or a source. ` +
        'Worked scenario: realistic magnitudes, units shown. Limits: where the standard treatment breaks down and ' +
        'what practitioners do instead.',
    );
  }
  return blocks.join('\n\n');
}

const NAMES = ['Amara', 'Lukas', 'Mei', 'Tomás', 'Ingrid', 'Kofi'] as const;

/** Reasoning problems of r4: circuits, games, rates, clocks, ages, seating, stock levels; short and long. */
export const R4_PROBLEMS: readonly ((rng: Rng) => string)[] = [
  (r) =>
    `Resistors of ${r.int(2, 47)}, ${r.int(2, 47)} and ${r.int(2, 47)} ohms: the first two in parallel, that pair in ` +
    `series with the third, across a ${r.pick([6, 9, 12, 24])} V supply. Find the current through each resistor.`,
  (r) =>
    `A game costs ${r.int(1, 5)} coins to play. You roll two dice: a double pays ${r.int(4, 12)} coins, a total of ` +
    `${r.int(3, 11)} pays ${r.int(2, 8)}, anything else pays nothing. Is it worth playing in the long run?`,
  (r) =>
    `Pump A fills a tank in ${r.int(2, 6)} hours and pump B in ${r.int(3, 9)} hours, while a leak empties it in ` +
    `${r.int(12, 30)} hours. Starting empty with both pumps on, when is the tank full?`,
  (r) => `At what time after ${r.int(1, 11)} o'clock do the hour and minute hands first form a right angle?`,
  (r) => {
    const [a, b] = r.shuffle(NAMES).slice(0, 2);
    const n = r.int(4, 20);
    return `${a} is ${r.int(3, 5)} times as old as ${b}. In ${n} years ${a} will be twice as old as ${b}. Ages now?`;
  },
  (r) =>
    `In how many ways can ${r.int(6, 11)} people sit around a round table if two of them refuse to sit side by side?`,
  (r) =>
    `A warehouse receives ${r.int(30, 90)} pallets every day including weekends and ships ${r.int(40, 120)} per ` +
    `weekday. It starts a Monday holding ${r.int(100, 400)} pallets and can hold at most ${r.int(500, 900)}. On which ` +
    'day does it first overflow, if ever, and what is the smallest change to the weekday shipments that prevents it?',
];

/** Audience labels of r4's capability sweeps, and where the label goes. */
export const R4_SWEEP_LEVELS: readonly string[] = ['first-year student', 'working professional', 'domain researcher'];

export function r4SweepItem(question: string, level: string): string {
  return `Audience: ${level}.\n${question}`;
}

/** The harness template every member of an r4 hydra network shares besides two of the question templates. */
export const R4_HYDRA_TEMPLATE =
  'Ticket #{n}: write the reference explanation of {sub} for our {dom} knowledge base. It must address {aspect}. ' +
  'Plain text only.';
