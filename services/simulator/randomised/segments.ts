import type { Rng } from '../random.ts';
import type { ContextTilt, KeyContext } from './context.ts';
import { dailyCycle, type Intensity, officeHours, windows } from './intensity.ts';
import type { PromptSource, RequestShape } from './plan.ts';
import {
  coding,
  documents,
  evalSweep,
  humanChat,
  internalAssistant,
  syntheticData,
  translation,
  tutoring,
} from './randomised-benign-prompts.ts';
import type { VariantName } from './randomised-options.ts';
import { TILTS } from './tilts.ts';
import type { BenignSegment, VariantSpec } from './variants.ts';

/** What a builder needs besides its own random stream and the key's context. */
export interface BuildEnv {
  variant: VariantName;
  spec: VariantSpec;
  start: number;
  end: number;
  humans: readonly string[] | null;
}

/** A key's behaviour: how much, when, what and how. */
export interface Workload {
  ratePerHour: number;
  intensity: Intensity;
  prompt: PromptSource;
  request: RequestShape;
}

export const logUniform = (rng: Rng, lo: number, hi: number) => lo * (hi / lo) ** rng.next();

const shape = (o: Partial<RequestShape> & Pick<RequestShape, 'outMedian'>): RequestShape => ({
  endpoint: '/v1/messages',
  outSigma: 0.7,
  maxTokens: [1024, 2048, 4096],
  temperatures: [0.7, 1],
  n: [1],
  logprobsShare: 0,
  tools: null,
  streamShare: 0.5,
  contextTokens: [50, 1500],
  errorRate: 0.01,
  ...o,
});

function appDay(rng: Rng, ctx: KeyContext): Intensity {
  return dailyCycle(ctx.tz, rng.uniform(13, 21), rng.uniform(0.05, 0.3), rng.uniform(0.5, 1.1));
}

function staffDay(rng: Rng, ctx: KeyContext): Intensity {
  return officeHours(ctx.tz, rng.int(7, 10), rng.int(16, 20), rng.uniform(0.02, 0.15));
}

function jobs(rng: Rng, env: BuildEnv, on: [number, number], off: [number, number]): Intensity {
  return windows(rng, env.start, env.end, on, off);
}

type Builder = (rng: Rng, env: BuildEnv, ctx: KeyContext) => Workload;

/** Chat apps and agents with end users; the shared shape of several context-defined segments. */
const chatApp =
  (lo: number, hi: number): Builder =>
  (rng, env, ctx) => ({
    ratePerHour: logUniform(rng, lo, hi) * env.spec.rateScale,
    intensity: appDay(rng, ctx),
    prompt: humanChat(env.humans, env.variant),
    request: shape({
      outMedian: rng.uniform(200, 700) * env.spec.outScale,
      contextTokens: [100, rng.int(1000, 6000)],
      streamShare: 0.9,
      tools: rng.chance(0.3) ? [1, 12] : null,
    }),
  });

export interface SegmentSpec {
  /** null: the key draws from the heavy segments' mixture, exactly as attack keys do. */
  tilt: ContextTilt | null;
  build: Builder;
}

export const SEGMENTS: Readonly<Record<BenignSegment, SegmentSpec>> = {
  chat_app_cloud: { tilt: TILTS.cloudApp, build: chatApp(12, 240) },
  serverless_app: { tilt: TILTS.serverless, build: chatApp(10, 180) },
  foreign_region_app: { tilt: TILTS.foreignRegion, build: chatApp(12, 200) },
  startup_new_key: { tilt: TILTS.startup, build: chatApp(5, 150) },
  enterprise_internal: {
    tilt: TILTS.enterprise,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 4, 120) * env.spec.rateScale,
      intensity: staffDay(rng, ctx),
      prompt: internalAssistant(env.humans, env.variant),
      request: shape({
        outMedian: rng.uniform(250, 800) * env.spec.outScale,
        contextTokens: [800, 6000],
        streamShare: 0.8,
      }),
    }),
  },
  travelling_staff: {
    tilt: TILTS.travelling,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 4, 60) * env.spec.rateScale,
      intensity: staffDay(rng, ctx),
      prompt: humanChat(env.humans, env.variant),
      request: shape({ outMedian: rng.uniform(200, 600) * env.spec.outScale, streamShare: 0.95 }),
    }),
  },
  document_generation: {
    tilt: TILTS.cloudApp,
    build: (rng, env) => ({
      ratePerHour: logUniform(rng, 60, 800) * env.spec.rateScale,
      intensity: jobs(rng, env, [1, 6], [4, 20]),
      prompt: documents(rng, env.variant),
      request: shape({
        outMedian: rng.uniform(1500, 3500) * env.spec.outScale,
        outSigma: 0.4,
        maxTokens: [4096, 8192],
        temperatures: [0.2, 0.3],
        contextTokens: [500, 5000],
        streamShare: 0.1,
      }),
    }),
  },
  eval_sweep: {
    tilt: TILTS.cloudApp,
    build: (rng, env) => {
      const generative = rng.chance(0.4);
      return {
        ratePerHour: logUniform(rng, 250, 2000) * env.spec.rateScale,
        intensity: jobs(rng, env, [0.5, 3], [3, 30]),
        prompt: evalSweep(rng, env.variant),
        request: shape({
          outMedian: generative ? 400 * env.spec.outScale : 3,
          outSigma: generative ? 0.6 : 0.3,
          maxTokens: generative ? [1024, 2048] : [5, 16],
          temperatures: [0],
          logprobsShare: rng.uniform(0.5, 1),
          contextTokens: [0, 200],
          streamShare: 0,
        }),
      };
    },
  },
  synthetic_data: {
    tilt: TILTS.cloudApp,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 80, 700) * env.spec.rateScale,
      intensity: rng.chance(0.5) ? jobs(rng, env, [2, 12], [1, 8]) : appDay(rng, ctx),
      prompt: syntheticData(rng, env.variant),
      request: shape({
        outMedian: rng.uniform(600, 2000) * env.spec.outScale,
        outSigma: 0.5,
        maxTokens: [4096],
        temperatures: [0.8, 1, 1.2],
        n: rng.chance(0.5) ? [1, 2, 4, 8] : [1],
        contextTokens: [100, 800],
        streamShare: 0,
      }),
    }),
  },
  tutoring_app: {
    tilt: TILTS.cloudApp,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 20, 350) * env.spec.rateScale,
      intensity: dailyCycle(ctx.tz, rng.uniform(15, 21), 0.05, 0.8),
      prompt: tutoring(env.variant),
      request: shape({
        outMedian: rng.uniform(400, 1000) * env.spec.outScale,
        outSigma: 0.5,
        temperatures: [0.3, 0.5, 0.7],
      }),
    }),
  },
  coding_assistant: {
    tilt: TILTS.developer,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 15, 300) * env.spec.rateScale,
      intensity: staffDay(rng, ctx),
      prompt: coding(env.variant),
      request: shape({
        outMedian: rng.uniform(400, 1500) * env.spec.outScale,
        maxTokens: [4096, 8192, 16384],
        temperatures: [0, 0.2],
        tools: [3, 30],
        contextTokens: [3000, 40_000],
        streamShare: 0.95,
      }),
    }),
  },
  translation_job: {
    tilt: TILTS.cloudApp,
    build: (rng, env) => ({
      ratePerHour: logUniform(rng, 90, 600) * env.spec.rateScale,
      intensity: jobs(rng, env, [1, 8], [2, 16]),
      prompt: translation(env.humans, env.variant),
      request: shape({ outMedian: rng.uniform(200, 700) * env.spec.outScale, temperatures: [0, 0.3], streamShare: 0 }),
    }),
  },
  small_user: {
    tilt: null,
    build: (rng, env, ctx) => ({
      ratePerHour: logUniform(rng, 0.2, 6),
      intensity: rng.chance(0.5) ? appDay(rng, ctx) : staffDay(rng, ctx),
      prompt: humanChat(env.humans, env.variant),
      request: shape({ outMedian: rng.uniform(150, 600) * env.spec.outScale, streamShare: 0.7 }),
    }),
  },
};
