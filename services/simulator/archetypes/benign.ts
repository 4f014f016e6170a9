import { endUsers, serverPool } from '../network.ts';
import type { SimulatedKeyProfile } from '../profile.ts';
import {
  benchmarkPrompts,
  chatPrompts,
  codingPrompts,
  documentPipelinePrompts,
  hobbyPrompts,
  labellingPrompts,
  researchPrompts,
} from '../prompts/benign-prompts.ts';
import {
  DAY_MS,
  dailyWindows,
  diurnal,
  leisureHours,
  onlyInWindows,
  randomWindows,
  withBursts,
  workHours,
} from '../schedule.ts';
import type { Archetype } from '../truth.ts';
import { benignCustomer } from './benign-customer.ts';
import {
  CHAT_STYLE,
  CODING_STYLE,
  EVAL_STYLES,
  EXTRACTION_JOB_STYLE,
  HOBBY_STYLE,
  RESEARCH_STYLE,
} from './benign-styles.ts';
import type { BuildContext } from './build-context.ts';

const CLOUD_ASNS = [16509, 15169, 8075];
type BenignBuilder = (ctx: BuildContext) => SimulatedKeyProfile[];

/** One key, many end users in many countries and languages, diurnal with viral bursts. */
const consumerChat: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'consumer_chat', (c) => ({
    ratePerHour: ctx.rng.logNormal(420, 0.5) * [1, 1.6, 0.7][ctx.variant]!,
    schedule: withBursts(
      diurnal(c.tz, 20, 0.12, 1.2),
      randomWindows(ctx.rng, ctx.start, ctx.end, 0.4, [20, 120]),
      ctx.rng.uniform(2, 4),
    ),
    behaviour: {
      prompts: chatPrompts([
        ['en', 6],
        ['es', 2],
        ['de', 1],
        ['fr', 1],
        ['ja', 1],
      ]),
      request: CHAT_STYLE,
      network: endUsers(
        ctx.rng,
        [
          [c.billingCountry, 6],
          ['US', 2],
          ['IN', 1],
          ['BR', 1],
          ['DE', 1],
        ],
        3000,
        0.04,
      ),
    },
    eagerModels: false,
  }));

/** Developers' agents: office hours, long outputs, tools, big contexts, occasional refactor bursts. */
const codingAgent: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'coding_agent', (c) => ({
    ratePerHour: ctx.rng.logNormal(70, 0.6) * [1, 2, 0.6][ctx.variant]!,
    schedule: withBursts(
      workHours(c.tz, 9, 19, 0.08),
      randomWindows(ctx.rng, ctx.start, ctx.end, 0.5, [30, 90]),
      ctx.rng.uniform(2, 5),
    ),
    behaviour: {
      prompts: codingPrompts(),
      request: CODING_STYLE,
      network: endUsers(ctx.rng, [[c.billingCountry, 1]], ctx.rng.int(1, 6), 0.1),
    },
    eagerModels: true,
  }));

/** Very high volume, one repetitive extraction template, nightly batch windows on cloud servers: legitimate. */
const documentPipeline: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'document_pipeline', (c) => ({
    ratePerHour: ctx.rng.logNormal(1600, 0.4) * [1, 1.5, 0.7][ctx.variant]!,
    schedule: onlyInWindows(dailyWindows(ctx.start, ctx.end, c.tz, ctx.rng.int(0, 5), ctx.rng.uniform(3, 8)), 1, 0.08),
    behaviour: {
      prompts: documentPipelinePrompts(ctx.rng),
      request: EXTRACTION_JOB_STYLE,
      network: serverPool(ctx.rng, CLOUD_ASNS, 4),
    },
    eagerModels: false,
  }));

/** Benchmark sweeps at temperature 0, sometimes with logprobs; evaluates a new model right after release. */
const evalHarness: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'eval_harness', () => ({
    ratePerHour: ctx.rng.logNormal(2400, 0.4),
    schedule: onlyInWindows(randomWindows(ctx.rng, ctx.start, ctx.end, 1.5, [30, 150]), 1, 0.003),
    arrival: { kind: 'regular', jitter: 0.4 },
    behaviour: {
      prompts: benchmarkPrompts(ctx.rng),
      request: EVAL_STYLES[ctx.variant % EVAL_STYLES.length]!,
      network: serverPool(ctx.rng, CLOUD_ASNS, 2),
    },
    eagerModels: true,
  }));

/** Labelling jobs: one instruction and label set, short outputs, job-long windows. */
const dataLabelling: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'data_labelling', (c) => ({
    ratePerHour: ctx.rng.logNormal(600, 0.4),
    schedule: onlyInWindows(randomWindows(ctx.rng, ctx.start, ctx.end, 1, [120, 480]), 1, 0.01),
    behaviour: {
      prompts: labellingPrompts(ctx.rng),
      request: { ...EXTRACTION_JOB_STYLE, outputMedian: 3, maxTokens: [10, 16] },
      network: ctx.rng.chance(0.5)
        ? serverPool(ctx.rng, CLOUD_ASNS, 2)
        : endUsers(ctx.rng, [[c.billingCountry, 1]], 2, 0),
    },
    eagerModels: false,
  }));

/** Researchers: long careful questions, temperature sweeps, sometimes studying reasoning traces on purpose. */
const researcher: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'researcher', (c) => ({
    ratePerHour: ctx.rng.logNormal(15, 0.7),
    schedule: workHours(c.tz, 10, 20, 0.1),
    behaviour: {
      prompts: researchPrompts(ctx.rng),
      request: RESEARCH_STYLE,
      network: endUsers(ctx.rng, [[c.billingCountry, 1]], 3, 0.1),
    },
    eagerModels: true,
  }));

/** Hobbyists: a few requests on evenings and weekends, sometimes through a consumer VPN. */
const hobbyist: BenignBuilder = (ctx) =>
  benignCustomer(ctx, 'hobbyist', (c) => ({
    ratePerHour: ctx.rng.logNormal(1.5, 0.7),
    schedule: leisureHours(c.tz),
    behaviour: {
      prompts: hobbyPrompts(ctx.rng),
      request: HOBBY_STYLE,
      network: endUsers(ctx.rng, [[c.billingCountry, 1]], 1, ctx.rng.chance(0.1) ? 0.9 : 0.03),
    },
    eagerModels: ctx.rng.chance(0.5),
    keyAgeMs: ctx.rng.chance(0.2) ? ctx.rng.uniform(0, 2) * DAY_MS : undefined,
  }));

export const BENIGN_BUILDERS: Partial<Record<Archetype, BenignBuilder>> = {
  consumer_chat: consumerChat,
  coding_agent: codingAgent,
  document_pipeline: documentPipeline,
  eval_harness: evalHarness,
  data_labelling: dataLabelling,
  researcher,
  hobbyist,
};
