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
/** Members that first appear within this much event time of each other started together. */
const START_WINDOW_MS = 90 * 60_000;
/** Keys seen this soon after stage 2 started may be old customers whose history it missed. */
const NEW_AFTER_MS = 30 * 60_000;
/** Output tokens per input token at which harvesting counts in full (reasoning traces, long answers). */
const FULL_OUTPUT_RATIO = 5;
/** Output tokens per input token from which long outputs count in full as harvesting. */
const LONG_FULL_RATIO = 2;

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
  return (p.events * HOUR_MS) / Math.max(HOUR_MS, p.lastSeen - p.firstSeen);
}

export function populationVolume(profiles: Iterable<KeyProfile>): PopulationVolume {
  const events: number[] = [];
  const rates: number[] = [];
  const starts: number[] = [];
  for (const p of profiles) {
    events.push(p.events);
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
 * Largest share of members first seen within one window, counting only keys new since stage 2 started, beyond the
 * share of the whole population that started in that window anyway (a morning ramp of new customers is no campaign).
 */
function startedTogether(members: readonly KeyProfile[], startedAt: number, pop: PopulationVolume): number {
  const starts = members
    .map((m) => m.firstSeen)
    .filter((t) => t >= startedAt + NEW_AFTER_MS)
    .sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < starts.length; j++) {
    while (starts[j]! - starts[i]! > START_WINDOW_MS) i++;
    const observed = (j - i + 1) / members.length;
    const window = below(pop.firstSeen, starts[i]! + START_WINDOW_MS + 1) - below(pop.firstSeen, starts[i]!);
    const expected = window / pop.firstSeen.length;
    best = Math.max(best, expected < 1 ? (observed - expected) / (1 - expected) : 0);
  }
  return best;
}

/**
 * The cluster's aggregate read as an extraction campaign: members that appeared together, long outputs or a high
 * output/input ratio, an aggregate rate far above any single heavy customer, while each member stays ordinary.
 */
export function extractionTerms(members: readonly KeyProfile[], pop: PopulationVolume, startedAt: number): Term[] {
  const n = members.length;
  const sum = (f: (p: KeyProfile) => number) => members.reduce((s, m) => s + f(m), 0);
  const events = sum((m) => m.events);
  const output = sum((m) => m.outputTokens);
  const input = Math.max(
    1,
    sum((m) => m.tokens - m.outputTokens),
  );
  const longShare = events > 0 ? sum((m) => m.longOutputs) / events : 0;
  // An answer as long as its question (translation, rewriting) harvests nothing; the ratio counts from 1 up.
  const ratio = Math.min(1, Math.max(0, (output / input - 1) / (FULL_OUTPUT_RATIO - 1)));
  // Long outputs alone are no harvest either: a document pipeline writes long outputs from long briefs (r3 tuning
  // data: 14 pipelines of 14 orgs sharing one template, 99% long outputs at 1.2 output tokens per input token, were
  // a cluster alert). They count in full only once outputs are twice the input.
  const harvest = Math.max(ratio, longShare * Math.min(1, Math.max(0, output / input - 1) / (LONG_FULL_RATIO - 1)));
  const together = startedTogether(members, startedAt, pop);
  const span = Math.max(...members.map((m) => m.lastSeen)) - Math.min(...members.map((m) => m.firstSeen));
  const aggregateRate = (events * HOUR_MS) / Math.max(HOUR_MS, span);
  const times = aggregateRate / Math.max(1, pop.p90RatePerHour);
  const ordinary = members.filter((m) => m.events <= pop.p90Events).length / n;
  const textPrompts = sum((m) => m.textPrompts);
  const instructions = textPrompts > 0 ? sum((m) => m.harvestInstructions) / textPrompts : 0;
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
      detail: `${Math.round(longShare * 100)}% long outputs; ${(output / input).toFixed(1)} output tokens per input token`,
    },
    {
      feature: 'aggregate_volume',
      value: aggregateRate,
      baseline: pop.p90RatePerHour,
      weighted: WEIGHTS.aggregate * Math.min(1, Math.max(0, Math.log10(times))),
      detail: 'requests per hour of all members together vs the population p90 of one key',
    },
    {
      feature: 'low_per_key_volume',
      value: ordinary,
      baseline: pop.p90Events,
      weighted: WEIGHTS.ordinary * ordinary,
      detail: 'share of members at or below the population p90 of events per key',
    },
    {
      feature: 'harvest_instructions',
      value: instructions,
      baseline: null,
      weighted: INSTRUCTIONS_WEIGHT * instructions,
      detail: "share of the members' prompts with text read as instructions to return the reasoning trace",
    },
  ];
}
