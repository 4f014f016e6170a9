import { z } from 'zod';

/** A target a figure must meet: the median compared with `value` (higher-is-better `>=`, lower-is-better `<=`). */
const targetSchema = z.object({ op: z.enum(['>=', '<=']), value: z.number() });

/** One measured number from one run of a scenario. */
const figureSchema = z.object({
  name: z.string().min(1),
  unit: z.string(),
  value: z.number(),
  target: targetSchema.optional(),
});

const verdictSchema = z.object({
  met: z.boolean(),
  /** How far the median is from the target, as a share of the target (positive = better than the target). */
  margin: z.number(),
});

/** A figure over all runs of a scenario: median and spread. */
const figureSummarySchema = z.object({
  name: z.string(),
  unit: z.string(),
  runs: z.int().min(1),
  median: z.number(),
  min: z.number(),
  max: z.number(),
  p25: z.number(),
  p75: z.number(),
  target: targetSchema.optional(),
  verdict: verdictSchema.optional(),
});

const scenarioResultSchema = z.object({
  name: z.string(),
  title: z.string(),
  target: z.string(),
  status: z.enum(['ran', 'not_run', 'failed']),
  /** Why it did not run or how it failed; empty when it ran. */
  reason: z.string().default(''),
  measuredAt: z.iso.datetime(),
  smoke: z.boolean(),
  durationS: z.number(),
  /** 1-minute load average before the scenario started: other work on the machine makes figures noisy. */
  loadBefore: z.number(),
  figures: z.array(figureSummarySchema),
  notes: z.array(z.string()),
});

const machineSchema = z.object({
  cpuModel: z.string(),
  cores: z.int(),
  ramGiB: z.number(),
  node: z.string(),
  os: z.string(),
  clickhouse: z.string(),
  kafka: z.string(),
  commit: z.string(),
});

export const benchResultsSchema = z.object({
  machine: machineSchema,
  date: z.iso.datetime(),
  scenarios: z.array(scenarioResultSchema),
});

export type Target = z.infer<typeof targetSchema>;
export type Figure = z.infer<typeof figureSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type FigureSummary = z.infer<typeof figureSummarySchema>;
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;
export type Machine = z.infer<typeof machineSchema>;
export type BenchResults = z.infer<typeof benchResultsSchema>;
