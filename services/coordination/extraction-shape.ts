import type { Term } from './cluster-score.ts';
import type { KeyProfile } from './key-profile.ts';

const HOUR_MS = 3_600_000;
/** How much each sign of extraction weighs in the cluster's extraction shape (sums to 1). */
const WEIGHTS = { start: 0.4, harvest: 0.35, aggregate: 0.15, ordinary: 0.1 } as const;
/**
 * Added on top (the shape is capped at 1): the share of the members' prompts stage 1's elicitation classifier read as
 * instructions to return the reasoning trace. A network of aged keys does not start together, and its outputs may be
 * only moderately long, but what it asks for is what it harvests; clusters with no such prompts score as before.
 */
const INSTRUCTIONS_WEIGHT = 0.2;
/**
 * A synchronised start or harvesting instructions from this level on corroborate in full that the members work one
 * campaign between them (a third of the members starting together beyond chance is no coincidence).
 */
const FULL_CORROBORATION = 1 / 3;
/** Members that first appear within this much event time of each other started together. */
const START_WINDOW_MS = 90 * 60_000;
/** Keys seen this soon after stage 2 started may be old customers whose history it missed. */
const NEW_AFTER_MS = 30 * 60_000;
/** Output tokens per input token at which harvesting counts in full (reasoning traces, long answers). */
const FULL_OUTPUT_RATIO = 5;
/** Output tokens per input token from which long outputs count in full as harvesting. */
const LONG_FULL_RATIO = 2;

/**
 * How much one key's recent traffic harvests (0–1). An answer as long as its question (translation, rewriting)
 * harvests nothing: the output/input ratio counts from 1 up, in full at FULL_OUTPUT_RATIO. Long outputs alone are no
 * harvest either: a document pipeline writes long outputs from long briefs (r3 tuning data: 14 pipelines of 14 orgs
 * sharing one template, 99% long outputs at 1.2 output tokens per input token, were a cluster alert), so they count
 * in full only once outputs are twice the input.
 */
function memberHarvest(m: KeyProfile): number {
  const perInput = m.recent.outputTokens / Math.max(1, m.recent.inputTokens);
  const ratio = Math.min(1, Math.max(0, (perInput - 1) / (FULL_OUTPUT_RATIO - 1)));
  const longShare = m.recent.events > 0 ? m.recent.longOutputs / m.recent.events : 0;
  return Math.max(ratio, longShare * Math.min(1, Math.max(0, perInput - 1) / (LONG_FULL_RATIO - 1)));
}

/** The lower median (0 for none): half the values are at least it. */
function lowerMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Per-key volume of the whole tracked population, against which a cluster's members are judged. */
export interface PopulationVolume {
  /** 90th percentile of events per key. */
  p90Events: number;
  /** 90th percentile of a key's events per active hour. */
  p90RatePerHour: number;
  /** First-seen times of every tracked key, ascending: how many keys start in any window by chance. */
  firstSeen: Float64Array;
}

function percentile90(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
}

export function keyRatePerHour(p: KeyProfile): number {
  return (p.lifetime.events * HOUR_MS) / Math.max(HOUR_MS, p.lastSeen - p.firstSeen);
}

export function populationVolume(profiles: Iterable<KeyProfile>): PopulationVolume {
  const events: number[] = [];
  const rates: number[] = [];
  const starts: number[] = [];
  for (const p of profiles) {
    events.push(p.lifetime.events);
    rates.push(keyRatePerHour(p));
    starts.push(p.firstSeen);
  }
  return {
    p90Events: percentile90(events),
    p90RatePerHour: percentile90(rates),
    firstSeen: Float64Array.from(starts).sort(),
  };
}

/** Number of values of the ascending `sorted` that are below `x`. */
function below(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many standard deviations of chance a window's count of member starts must clear before the rest counts: a few
 * members of a small cluster landing in a busy window is what independent customers do (r3 tuning data: 3 of 5
 * synthetic-data keys of 5 orgs first seen in the window where a quarter of all keys appear).
 */
const START_CHANCE_SDS = 2;

/**
 * Largest share of members first seen within one window, counting only keys new since stage 2 started, beyond what
 * chance puts there: the share of the other tracked keys that started in that window anyway (a morning ramp of new
 * customers is no campaign) plus START_CHANCE_SDS binomial standard deviations of it.
 */
function startedTogether(members: readonly KeyProfile[], startedAt: number, pop: PopulationVolume): number {
  const starts = members
    .map((m) => m.firstSeen)
    .filter((t) => t >= startedAt + NEW_AFTER_MS)
    .sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < starts.length; j++) {
    while (starts[j]! - starts[i]! > START_WINDOW_MS) i++;
    const inWindow = j - i + 1;
    // The other keys' share that started in this window: a large network must not raise its own baseline.
    const window = below(pop.firstSeen, starts[i]! + START_WINDOW_MS + 1) - below(pop.firstSeen, starts[i]!);
    const share = Math.max(0, window - inWindow) / Math.max(1, pop.firstSeen.length - members.length);
    const chance = members.length * share;
    const margin = START_CHANCE_SDS * Math.sqrt(chance * (1 - share));
    best = Math.max(best, share < 1 ? (inWindow - chance - margin) / (members.length - chance) : 0);
  }
  return best;
}

/**
 * How far the division-of-labour signs (a large aggregate of ordinary keys) may count, 0–1: any group of similar
 * customers linked by a popular template has them, so they count only as far as the members show they act as one
 * campaign: in full when a third of them started together beyond chance or asks for reasoning traces, else as far as
 * their outputs are plainly harvested (squared: moderately long answers, as a research workload gets, are weak
 * corroboration). Classic tuning seeds 8 and 9: 20–27 researchers of as many orgs sharing one template family, no
 * synchronised start, median harvest 0.65, were cluster alerts at 0.75–0.76 on these signs.
 */
function corroboration(together: number, instructions: number, harvest: number): number {
  return Math.max(Math.min(1, Math.max(together, instructions) / FULL_CORROBORATION), harvest * harvest);
}

/**
 * The cluster's aggregate read as an extraction campaign: members that appeared together, long outputs or a high
 * output/input ratio, an aggregate rate far above any single heavy customer while each member stays ordinary (these
 * two as far as the others corroborate them).
 */
export function extractionTerms(members: readonly KeyProfile[], pop: PopulationVolume, startedAt: number): Term[] {
  const n = members.length;
  const sum = (f: (p: KeyProfile) => number) => members.reduce((s, m) => s + f(m), 0);
  const events = sum((m) => m.lifetime.events);
  // What the members send now (totals halved each content generation): a bought key's earlier ordinary traffic
  // does not dilute the campaign it was put to.
  const recentEvents = sum((m) => m.recent.events);
  const output = sum((m) => m.recent.outputTokens);
  const input = Math.max(
    1,
    sum((m) => m.recent.inputTokens),
  );
  const longShare = recentEvents > 0 ? sum((m) => m.recent.longOutputs) / recentEvents : 0;
  // Each member's own harvest, and the cluster's is its median member's: a network's keys each harvest, while one or
  // two heavy harvesters linked with customers over a popular SDK prompt do not make those customers a campaign.
  const harvest = lowerMedian(members.map(memberHarvest));
  const together = startedTogether(members, startedAt, pop);
  const span = Math.max(...members.map((m) => m.lastSeen)) - Math.min(...members.map((m) => m.firstSeen));
  const aggregateRate = (events * HOUR_MS) / Math.max(HOUR_MS, span);
  const times = aggregateRate / Math.max(1, pop.p90RatePerHour);
  const ordinary = members.filter((m) => m.lifetime.events <= pop.p90Events).length / n;
  const withText = members.filter((m) => m.recent.textPrompts > 0);
  const instructions = lowerMedian(withText.map((m) => m.recent.harvestInstructions / m.recent.textPrompts));
  const corroborated = corroboration(together, instructions, harvest);
  const counted =
    corroborated < 1
      ? `; counted at ${Math.round(corroborated * 100)}%: under a third of members started together or ask for traces`
      : '';
  return [
    {
      feature: 'synchronised_start',
      value: together,
      baseline: null,
      weighted: WEIGHTS.start * together,
      detail: 'share of members first seen within 90 minutes of each other, after stage 2 started',
    },
    {
      feature: 'output_harvest',
      value: harvest,
      baseline: null,
      weighted: WEIGHTS.harvest * harvest,
      detail: `median member; all members: ${Math.round(longShare * 100)}% long outputs, ${(output / input).toFixed(1)} output tokens per input token`,
    },
    {
      feature: 'aggregate_volume',
      value: aggregateRate,
      baseline: pop.p90RatePerHour,
      weighted: corroborated * WEIGHTS.aggregate * Math.min(1, Math.max(0, Math.log10(times))),
      detail: `requests per hour of all members together vs the population p90 of one key${counted}`,
    },
    {
      feature: 'low_per_key_volume',
      value: ordinary,
      baseline: pop.p90Events,
      weighted: corroborated * WEIGHTS.ordinary * ordinary,
      detail: `share of members at or below the population p90 of events per key${counted}`,
    },
    {
      feature: 'harvest_instructions',
      value: instructions,
      baseline: null,
      weighted: INSTRUCTIONS_WEIGHT * instructions,
      detail: "median member's share of prompts with text read as instructions to return the reasoning trace",
    },
  ];
}
