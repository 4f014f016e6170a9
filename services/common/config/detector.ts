import { z } from 'zod';
import { LONG_OUTPUT_TOKENS } from './coordination-options.ts';
import { ISO_COUNTRIES } from './countries.ts';
import { csv, int, num } from './env-helpers.ts';

const HOUR = 3_600_000;

/** Cloud, hosting and VPN/proxy networks (AWS, GCP, Azure, DigitalOcean, Hetzner, OVH, Linode, Vultr, Alibaba, Tencent, Oracle, M247, Datacamp, Clouvider, TEFINCOM, Contabo, ColoCrossing, Cloudflare WARP). */
const DEFAULT_DATACENTER_ASNS =
  '16509,14618,15169,396982,8075,14061,24940,16276,63949,20473,45102,37963,132203,45090,31898,9009,60068,212238,62240,136787,51167,36352,13335';

/** Thresholds of the rule scorer; a rule fires when all its conditions hold. */
const ruleEnv = {
  DG_RULE_BULK_REQ_PER_HOUR: num(300).describe(
    'Rule: requests per hour at which volume counts towards bulk extraction',
  ),
  DG_RULE_DIVERSE_PROMPT_RATIO: num(0.8, 0, 1).describe(
    'Rule: distinct-prompt ratio at which prompts count as diverse',
  ),
  DG_RULE_LANGUAGE_MIX: num(0.08, 0, 1).describe(
    "Rule: share of prompts outside the key's main language from which bulk harvesting counts as multilingual",
  ),
  DG_RULE_OUT_IN_RATIO: num(4).describe('Rule: output/input token ratio at which outputs count as harvested'),
  DG_RULE_LONG_OUTPUT_SHARE: num(0.6, 0, 1).describe('Rule: long-output share at which outputs count as harvested'),
  DG_RULE_REASONING_SHARE: num(0.3, 0, 1).describe('Rule: share of prompts eliciting reasoning for CoT harvesting'),
  DG_RULE_HARVEST_INSTRUCTION_SHARE: num(0.15, 0, 1).describe(
    'Rule: share of prompts the elicitation classifier reads as harvesting instructions, at volume',
  ),
  DG_RULE_HARVEST_INSTRUCTIONS_RECENT: num(10).describe(
    'Rule: harvesting instructions read recently (decayed count) from which a key is harvesting at any rate',
  ),
  DG_RULE_INSTRUCTED_RECENT: num(20).describe(
    'Rule: classifier-flagged prompts in the last hours (decayed count, DG_DETECTOR_INSTRUCTED_HALF_LIFE_MS) from which their outputs are judged on their own',
  ),
  DG_RULE_INSTRUCTED_OUT_IN: num(2.5).describe(
    'Rule: output/input token ratio of the classifier-flagged prompts alone from which a key sending mostly such prompts harvests them',
  ),
  DG_RULE_COT_REQ_PER_HOUR: num(60).describe('Rule: requests per hour from which CoT elicitation is harvesting'),
  DG_RULE_TEMPLATE_SHARE: num(0.25, 0, 1).describe('Rule: near-duplicate (template) share of a capability sweep'),
  /**
   * A Poisson stream (CV 1) read through the exponentially weighted gap estimate (about 40 gaps) dips to 0.54–0.58 at
   * some moment of a 50,000-request day, so 0.6 took random traffic for a script now and then (an out-of-family probe,
   * 2026-12-05: one synthetic-data customer alerted as a capability sweep, two document-generation customers too with
   * models retrained on another classifier); metronomic scripts sit at 0.14–0.38 (tuning data: classic sweeps).
   */
  DG_RULE_SWEEP_MAX_INTERARRIVAL_CV: num(0.45).describe('Rule: inter-arrival CV below which a sweep is scripted'),
  DG_RULE_UNSUPPORTED_REGION_SHARE: num(0.2, 0, 1).describe('Rule: share of traffic from unsupported regions'),
  DG_RULE_UNSUPPORTED_LEAK_SHARE: num(0.002, 0, 1).describe('Rule: unsupported-region share leaking past proxies'),
  DG_RULE_COUNTRY_MISMATCH_SHARE: num(0.5, 0, 1).describe('Rule: request vs billing country mismatch share'),
  DG_RULE_RESELLER_REQ_PER_DAY: num(3000).describe('Rule: daily requests of a router key mixing in extraction'),
  DG_RULE_SLOW_ACTIVE_HOURS: num(10, 0, 24).describe('Rule: active hours per day of a low-and-slow extractor'),
};

/** The allow-list: the listed countries, or with `*` every ISO country but the excluded ones. */
function supportedRegions(allow: string[], excluded: string[]): string[] {
  const upper = (list: string[]) => list.map((c) => c.toUpperCase());
  if (!allow.includes('*')) return upper(allow);
  const out = new Set(upper(excluded));
  return ISO_COUNTRIES.filter((c) => !out.has(c));
}

export const detectorEnv = z
  .object({
    DG_DETECTOR_ALERT_THRESHOLD: num(0.6, 0, 1).describe(
      'Lowest score a key alert may start at; the calibrated threshold (DG_DETECTOR_FP_BUDGET) is never below it',
    ),
    DG_DETECTOR_FP_BUDGET: num(1, 0.001, 1000).describe(
      'False-positive budget: benign keys alerted (medium and above) per 1,000 per day; alert thresholds are calibrated to it on the benign reference in models/calibration/',
    ),
    DG_DETECTOR_ALERT_COOLDOWN_MS: int(HOUR, 0).describe('Event-time window in which repeat alerts are suppressed'),
    DG_DETECTOR_ESCALATION_DELTA: num(0.1, 0, 1).describe('Score rise inside the cooldown that raises an escalation'),
    DG_DETECTOR_IDLE_COMPACT_MS: int(2 * HOUR, 60_000).describe(
      'Idle time after which a key keeps only its baseline and flagged-prompt sub-stream',
    ),
    DG_DETECTOR_IDLE_EVICT_MS: int(30 * 24 * HOUR, 60_000).describe('Idle time after which a key is forgotten'),
    DG_DETECTOR_MAX_ACTIVE_KEYS: int(200_000, 100).describe(
      'Most keys with full state (~4.7 KB each) per source partition; beyond it the least recently seen are compacted',
    ),
    DG_DETECTOR_MAX_COMPACTED_KEYS: int(2_000_000, 100).describe(
      'Most compacted idle keys (~0.4 KB each) per source partition; beyond it the least recently seen are forgotten',
    ),
    DG_DETECTOR_MAX_ORGS: int(500_000, 10).describe(
      'Most organisations whose key counts a partition keeps; beyond it the least recently used are forgotten',
    ),
    DG_DETECTOR_MAX_COHORTS: int(1_000, 10).describe(
      'Most cohorts (model and endpoint) with population statistics per partition; least recently used are forgotten',
    ),
    DG_DETECTOR_SHARE_HALF_LIFE_MS: int(30 * 60_000, 60_000).describe('Half-life of the decayed per-key shares'),
    DG_DETECTOR_INSTRUCTED_HALF_LIFE_MS: int(6 * HOUR, 60_000).describe(
      'Half-life of the decayed counts over the prompts the elicitation classifier flags (mixed-in harvesting)',
    ),
    DG_DETECTOR_LONG_OUTPUT_TOKENS: int(LONG_OUTPUT_TOKENS, 1).describe(
      'Output tokens from which an output counts as long (stage 1 and stage 2)',
    ),
    DG_DETECTOR_NEAR_DUP_BITS: int(12, 0, 32).describe('SimHash Hamming distance up to which prompts share a template'),
    DG_DETECTOR_POPULATION_MIN_SAMPLES: int(200, 1).describe('Cohort snapshots needed before population scoring'),
    DG_DETECTOR_BASELINE_MIN_SAMPLES: int(60, 1).describe('Minute snapshots of a key before baseline scoring'),
    DG_DETECTOR_BASELINE_MIN_SPAN_MS: int(24 * HOUR, 0).describe('History a baseline needs (a diurnal cycle) to score'),
    DG_DETECTOR_WEIGHT_CLASSIFIER: num(0.75, 0, 1).describe(
      'Weight of the tfjs classifier in the evidence part (behaviour features only; it corroborates rules)',
    ),
    DG_DETECTOR_WEIGHT_AUTOENCODER: num(0.35, 0, 1).describe(
      'Weight of the tfjs autoencoder in the anomaly part (raises priority, never raises an alert)',
    ),
    DG_DETECTOR_DATACENTER_ASNS: csv(DEFAULT_DATACENTER_ASNS).describe('Datacenter, hosting and proxy ASNs'),
    DG_DETECTOR_SUPPORTED_REGIONS: csv('*').describe(
      'Allow-list of countries where the service is offered (ISO codes); * = every country except DG_DETECTOR_UNSUPPORTED_REGIONS. Requests from elsewhere count as unsupported-region traffic (context: an alert also needs extraction behaviour)',
    ),
    DG_DETECTOR_UNSUPPORTED_REGIONS: csv('CN,RU,IR,KP,SY,CU,BY').describe(
      'Countries taken out of the * allow-list (where the service is not offered)',
    ),
    ...ruleEnv,
  })
  .transform((e) => ({
    alertThreshold: e.DG_DETECTOR_ALERT_THRESHOLD,
    fpBudget: e.DG_DETECTOR_FP_BUDGET,
    alertCooldownMs: e.DG_DETECTOR_ALERT_COOLDOWN_MS,
    escalationDelta: e.DG_DETECTOR_ESCALATION_DELTA,
    idleCompactMs: e.DG_DETECTOR_IDLE_COMPACT_MS,
    idleEvictMs: e.DG_DETECTOR_IDLE_EVICT_MS,
    stateCaps: {
      activeKeys: e.DG_DETECTOR_MAX_ACTIVE_KEYS,
      compactedKeys: e.DG_DETECTOR_MAX_COMPACTED_KEYS,
      orgs: e.DG_DETECTOR_MAX_ORGS,
      cohorts: e.DG_DETECTOR_MAX_COHORTS,
    },
    shareHalfLifeMs: e.DG_DETECTOR_SHARE_HALF_LIFE_MS,
    instructedHalfLifeMs: e.DG_DETECTOR_INSTRUCTED_HALF_LIFE_MS,
    longOutputTokens: e.DG_DETECTOR_LONG_OUTPUT_TOKENS,
    nearDupBits: e.DG_DETECTOR_NEAR_DUP_BITS,
    populationMinSamples: e.DG_DETECTOR_POPULATION_MIN_SAMPLES,
    baselineMinSamples: e.DG_DETECTOR_BASELINE_MIN_SAMPLES,
    baselineMinSpanMs: e.DG_DETECTOR_BASELINE_MIN_SPAN_MS,
    modelWeights: { classifier: e.DG_DETECTOR_WEIGHT_CLASSIFIER, autoencoder: e.DG_DETECTOR_WEIGHT_AUTOENCODER },
    datacenterAsns: e.DG_DETECTOR_DATACENTER_ASNS.map(Number).filter(Number.isInteger),
    supportedRegions: supportedRegions(e.DG_DETECTOR_SUPPORTED_REGIONS, e.DG_DETECTOR_UNSUPPORTED_REGIONS),
    rules: {
      bulkReqPerHour: e.DG_RULE_BULK_REQ_PER_HOUR,
      diversePromptRatio: e.DG_RULE_DIVERSE_PROMPT_RATIO,
      languageMix: e.DG_RULE_LANGUAGE_MIX,
      outInRatio: e.DG_RULE_OUT_IN_RATIO,
      longOutputShare: e.DG_RULE_LONG_OUTPUT_SHARE,
      reasoningShare: e.DG_RULE_REASONING_SHARE,
      harvestInstructionShare: e.DG_RULE_HARVEST_INSTRUCTION_SHARE,
      harvestInstructionsRecent: e.DG_RULE_HARVEST_INSTRUCTIONS_RECENT,
      instructedRecent: e.DG_RULE_INSTRUCTED_RECENT,
      instructedOutIn: e.DG_RULE_INSTRUCTED_OUT_IN,
      cotReqPerHour: e.DG_RULE_COT_REQ_PER_HOUR,
      templateShare: e.DG_RULE_TEMPLATE_SHARE,
      sweepMaxInterarrivalCv: e.DG_RULE_SWEEP_MAX_INTERARRIVAL_CV,
      unsupportedRegionShare: e.DG_RULE_UNSUPPORTED_REGION_SHARE,
      unsupportedLeakShare: e.DG_RULE_UNSUPPORTED_LEAK_SHARE,
      countryMismatchShare: e.DG_RULE_COUNTRY_MISMATCH_SHARE,
      resellerReqPerDay: e.DG_RULE_RESELLER_REQ_PER_DAY,
      slowActiveHours: e.DG_RULE_SLOW_ACTIVE_HOURS,
    },
  }));

export type DetectorConfig = z.output<typeof detectorEnv>;
export type RuleThresholds = DetectorConfig['rules'];

/** The defaults, for library use (tests, demo) without reading the environment. */
export function defaultDetectorConfig(): DetectorConfig {
  return detectorEnv.parse({});
}
