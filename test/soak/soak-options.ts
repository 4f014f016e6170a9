import { z } from 'zod';
import { describeIssues } from '../../services/common/zod-issues.ts';

const positive = (fallback: number, max: number) => z.coerce.number().positive().max(max).default(fallback);

/** `make soak` settings, from the environment (SOAK_*); see the Makefile target. */
const soakEnv = z
  .object({
    SOAK_MINUTES: positive(30, 24 * 60).describe('How long events are produced'),
    SOAK_RATE: positive(150, 100_000).describe('Events per second produced, steadily'),
    SOAK_WARMUP_MINUTES: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .optional()
      .describe('Excluded from the RSS slope'),
    SOAK_SAMPLE_S: positive(10, 600).describe('Seconds between samples of RSS and lag'),
    SOAK_MAX_RSS_SLOPE_PCT_H: positive(5, 1_000).describe('Largest RSS growth after warm-up, % per hour'),
    SOAK_MAX_LAG_S: positive(60, 3_600).describe('Largest consumer lag after warm-up, in seconds of production'),
    SOAK_KEEP: z.enum(['0', '1']).default('0').describe('1 keeps the database and topics afterwards'),
    SOAK_CHECK_RSS: z
      .enum(['0', '1'])
      .default('1')
      .describe('0 reports the RSS slopes without judging them (a run of minutes fits GC noise, not growth)'),
  })
  .transform((e) => ({
    minutes: e.SOAK_MINUTES,
    rate: e.SOAK_RATE,
    // A sixth of the run by default, at most 5 minutes: state fills and the JIT settles before the slope is fitted.
    warmupMinutes: e.SOAK_WARMUP_MINUTES ?? Math.min(5, e.SOAK_MINUTES / 6),
    sampleMs: e.SOAK_SAMPLE_S * 1000,
    maxRssSlopePctPerHour: e.SOAK_MAX_RSS_SLOPE_PCT_H,
    maxLagEvents: e.SOAK_MAX_LAG_S * e.SOAK_RATE,
    keep: e.SOAK_KEEP === '1',
    checkRss: e.SOAK_CHECK_RSS === '1',
  }));

export type SoakOptions = z.output<typeof soakEnv>;

export function soakOptions(env: Record<string, string | undefined> = process.env): SoakOptions {
  const parsed = soakEnv.safeParse(env);
  if (!parsed.success) throw new Error(`soak settings: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
