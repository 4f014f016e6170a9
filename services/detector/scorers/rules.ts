import type { RuleThresholds } from '../../common/config/detector.ts';
import type { FeatureName } from '../features/feature-names.ts';
import type { AlertCategory } from './scorer.ts';

/**
 * One test of a rule: the feature passes at `threshold` and counts fully at `saturate`; a gate (saturate equal to
 * threshold) only has to hold and does not make the rule stronger.
 */
export interface Condition {
  feature: FeatureName;
  op: '>=' | '<=';
  threshold: number;
  saturate: number;
}

/** A condition, or a group of alternatives of which at least one must hold. */
export type Check = Condition | Condition[];

/** A rule fires when every check holds. */
export interface Rule {
  name: string;
  category: AlertCategory;
  all: Check[];
  /**
   * Highest score the rule gives: a pattern that legitimate workloads also show (the rule's doc says which) counts as
   * evidence that other signals can add to, but stays below the alert threshold the FP budget calibrates on its own.
   */
  ceiling?: number;
  /**
   * Lowest score of the fired rule (default RULE_FLOOR): a rule whose conjunction no legitimate workload of the tuning
   * data meets is strong evidence as soon as it holds.
   */
  floor?: number;
}

const atLeast = (feature: FeatureName, threshold: number, saturate: number): Condition => ({
  feature,
  op: '>=',
  threshold,
  saturate,
});
const atMost = (feature: FeatureName, threshold: number, saturate = threshold): Condition => ({
  feature,
  op: '<=',
  threshold,
  saturate,
});

/** The five-minute pace must exceed the hourly threshold by this factor: five minutes are noisier than an hour. */
const PACE_MARGIN = 2;

/**
 * Volume of at least `perHour` requests: counted over the last hour, or already running at that pace over the last
 * five minutes (so a campaign is not given an hour's head start while its hourly window fills).
 */
const pace = (perHour: number, saturation: number): Condition[] => [
  atLeast('req_per_hour', perHour, perHour * saturation),
  atLeast('req_per_min', (perHour / 60) * PACE_MARGIN, (perHour / 60) * saturation),
];

/**
 * Output at least twice the input: what harvesting reasoning traces looks like. Apps that ask for explanations on
 * behalf of people (tutoring, assistants) send system prompts and history, so their outputs stay about as long as
 * their inputs (tuning data: tutoring apps 0.9–1.6, CoT and low-and-slow harvesters 2.5–47); coding agents and document
 * pipelines read far more than they write.
 */
const OUTPUT_HEAVY = 2;
/** A router's chat traffic is input-heavy (history); an extraction customer mixed in lifts the ratio past this. */
const MIXED_MIN_OUT_IN = 0.3;
/**
 * "Mixed" means a minority of the traffic is harvest-shaped: a key whose outputs are nearly all long is one
 * workload (a document pipeline), not a router with extraction mixed in, and the bulk rule judges it.
 */
const MIXED_MAX_LONG_SHARE = 0.6;
/**
 * Likewise for what is asked: a key whose prompts are mostly harvesting instructions as the classifier reads them is
 * one workload (an eval harness running few-shot chain-of-thought benchmarks, or a harvester), not a router with one
 * customer's extraction mixed in; the instruction-reading rules judge it.
 */
const MIXED_MAX_INSTRUCTION_SHARE = 0.5;
/**
 * How many times more the classifier-flagged prompts must harvest (output/input) than the key's traffic as a whole
 * before they read as a different customer's traffic mixed in: a router's chat is input-heavy (history), so its
 * mixed-in harvesting stands out by several times; a workload whose every output is long does not.
 */
const MIXED_MIN_LIFT = 2;
/** The flagged prompts' own output/input in a mixed key: outputs longer than inputs, whatever few-shot context came. */
const MIXED_MIN_INSTRUCTED_OUT_IN = 1.5;
/**
 * Ceiling of patterns legitimate workloads share: bulk harvesting seen on volume, diversity and output alone (tuning
 * data: synthetic-data customers score as high as distillers on it) and a router's mixed output shape.
 */
const AMBIGUOUS_CEILING = 0.75;
/** Floor of rules corroborated by a second, independent sign of extraction (coverage of languages). */
const CORROBORATED_FLOOR = 0.8;
/** A steady extractor sends every hour; an app whose users have gone to bed does not. */
const STEADY_MIN_PER_HOUR = 3;
/** Sweeping temperatures is how researchers study a model; harvesting wants its best answer at fixed settings. */
const VARIANCE_STUDY_TEMPERATURE_STD = 0.2;
/** Truncated outputs are of little use as training traces: an extractor sets max_tokens for complete ones. */
const TRUNCATED_SHARE = 0.3;
/**
 * Eval harnesses and researchers sample n > 1 (or read logprobs) to study variance; extraction wants one good trace
 * per prompt.
 */
const MIXED_MAX_MULTI_SAMPLE = 0.2;

/**
 * The rules, most specific first (the first that fires names the category). Each combines volume with what the
 * traffic is *for* (diverse prompts harvested for long, rich outputs; reasoning elicitation; scripted template
 * sweeps; extraction from unsupported regions), so heavy legitimate users that are input-heavy, repetitive or
 * tool-driven do not match on volume alone. No rule rests on network or account context alone (feature-roles.ts).
 */
export function buildRules(t: RuleThresholds): Rule[] {
  const harvested = atLeast('out_in_ratio', t.outInRatio, t.outInRatio * 4);
  /** Outputs at least twice the inputs (OUTPUT_HEAVY), counting fully where outputs count as harvested × 4. */
  const outputHeavy = atLeast('out_in_ratio', OUTPUT_HEAVY, t.outInRatio * 4);
  /** Bulk volume of mostly distinct prompts: what every bulk pattern starts from. */
  const diverseAtVolume: Check[] = [
    pace(t.bulkReqPerHour, 10),
    atLeast('distinct_prompt_ratio', t.diversePromptRatio, 1),
  ];
  /** Bulk volume of diverse prompts with outputs at least twice the input: what both corroborated bulk rules need. */
  const diverseHarvestedAtVolume: Check[] = [...diverseAtVolume, outputHeavy];
  /**
   * Where a key calls from is context: a region finding also needs the key to be extracting (volume, and outputs at
   * least twice the input), so a traveller or a company hosted in a foreign cloud region is no alert. Long outputs
   * alone are not harvesting: a document pipeline writes long outputs from long briefs (tuning data: out/in 0.75–1.13
   * with 95–99% long outputs; region evaders 2.1–8.3). Nor are reasoning phrases, which a tutoring app's users write
   * all day: with them as an alternative (until 2026-12-05) a tutoring app whose traffic leaked from an unsupported
   * country was the only key it added on four tuning sets (r2 seed 32), and no region evader depended on it.
   */
  const extracting: Check[] = [pace(t.cotReqPerHour, 20), outputHeavy];
  /** Outputs harvested: at least twice the input, and long, rationale-bearing or many times the input. */
  const harvestShaped: Check[] = [
    outputHeavy,
    [
      atLeast('long_output_share', t.longOutputShare / 2, 1),
      atLeast('rationale_request_share', t.reasoningShare, 1),
      harvested,
    ],
  ];
  /** Enough classifier-flagged prompts over the last hours to judge them on their own. */
  const instructedRecent = atLeast('instructed_recent', t.instructedRecent, t.instructedRecent * 4);
  /** The flagged prompts themselves harvested: their outputs at least `instructedOutIn` times their inputs. */
  const flaggedHarvested = atLeast('instructed_out_in_ratio', t.instructedOutIn, t.instructedOutIn * 3);
  return [
    {
      name: 'unsupported_region',
      category: 'region_evasion',
      all: [atLeast('unsupported_region_share', t.unsupportedRegionShare, 1), ...extracting],
    },
    {
      name: 'proxied_from_unsupported_region',
      category: 'region_evasion',
      all: [
        atLeast('unsupported_region_share', t.unsupportedLeakShare, t.unsupportedRegionShare),
        atLeast('country_mismatch_share', t.countryMismatchShare, 1),
        ...extracting,
      ],
    },
    {
      name: 'scripted_template_sweep',
      category: 'capability_sweep',
      all: [
        atMost('interarrival_cv', t.sweepMaxInterarrivalCv, 0),
        atLeast('template_share', t.templateShare, 1),
        pace(t.cotReqPerHour, 40),
        harvested,
      ],
    },
    {
      /**
       * Distilling a general model means covering languages as well as topics: diverse prompts at volume, outputs
       * longer than inputs, in several languages at once. But a content platform localising posts and product pages
       * writes long outputs from short briefs in several languages too (an out-of-family probe, 2026-12-05: six such
       * keys, every one alerted at critical), so languages are no second sign of extraction: the pattern stays at the
       * ambiguous ceiling, where the instruction-reading rules and the models decide. On six tuning sets no attack
       * key depended on it.
       */
      name: 'multilingual_bulk_harvest',
      category: 'bulk_distillation',
      ceiling: AMBIGUOUS_CEILING,
      all: [...diverseHarvestedAtVolume, atLeast('language_mix', t.languageMix, Math.min(1, t.languageMix * 4))],
    },
    {
      /**
       * Bulk harvest whose prompts ask for complete answers: diverse prompts at volume, outputs at least twice the
       * input, and a share and a recent count of prompts the elicitation classifier reads as instructions to return a
       * full answer or the reasoning behind it. The classifier is the second, independent sign the ambiguous bulk
       * pattern lacks (tuning data r1 seed 11: five bulk keys with 20–45% such prompts sat at the ambiguous ceiling
       * for 17 minutes to 11 hours; the two at bulk pace are now flagged within 5 minutes, the three at 40–55 requests
       * an hour stay below it). No legitimate segment of the tuning data has both the prompts and the output shape:
       * tutoring apps are flagged at 0.18–0.33 with outputs about as long as their inputs, synthetic-data jobs write
       * long outputs from prompts the classifier does not flag.
       */
      name: 'instructed_bulk_harvest',
      category: 'bulk_distillation',
      floor: CORROBORATED_FLOOR,
      all: [
        ...diverseHarvestedAtVolume,
        atLeast('harvest_instruction_share', t.harvestInstructionShare, Math.min(1, t.harvestInstructionShare * 4)),
        atLeast('harvest_instructions_recent', t.harvestInstructionsRecent, t.harvestInstructionsRecent * 4),
      ],
    },
    {
      /**
       * The elicitation classifier (services/ml/elicitation/) reads the prompts as instructions to return the reasoning
       * trace in a harvestable form, and the outputs are at least twice the inputs: no legitimate segment of the tuning
       * data meets this (tutoring apps' prompts are flagged at 0.18–0.33 but their outputs stay about as long as their
       * inputs). Needs no diversity, so paraphrased and repeated dataset questions count too, and no long outputs: the
       * classifier's reading is the second sign, and answers kept to ~700 tokens under few-shot contexts are harvested
       * too (tuning data r1 seed 21: a bulk key at 40–290 requests an hour, 40% of its prompts flagged, out/in 2.3 and
       * a quarter of its outputs long, sat at the ambiguous ceiling for 6.7 hours).
       */
      name: 'instructed_harvest_at_volume',
      category: 'cot_harvesting',
      floor: CORROBORATED_FLOOR,
      all: [
        atLeast('harvest_instruction_share', t.harvestInstructionShare, Math.min(1, t.harvestInstructionShare * 4)),
        pace(t.cotReqPerHour, 20),
        outputHeavy,
      ],
    },
    {
      /**
       * The same evidence before the hourly volume is there: a new key that has already sent a dozen harvesting
       * instructions with harvested outputs (a campaign's first quarter hour) is not waiting for an hour's count.
       */
      name: 'harvest_instructions_accumulating',
      category: 'cot_harvesting',
      floor: CORROBORATED_FLOOR,
      all: [
        atLeast('harvest_instruction_share', 2 * t.harvestInstructionShare, 1),
        atLeast('harvest_instructions_recent', t.harvestInstructionsRecent, t.harvestInstructionsRecent * 4),
        outputHeavy,
      ],
    },
    {
      /**
       * Half as many once most of the key's prompts are such instructions: a key that opens with a handful of them,
       * each answered at twice its length or more, is harvesting from its first minutes however slowly it starts
       * (tuning data r1 seed 31 and r2 seed 32: five CoT keys found within 15 minutes of their first request instead
       * of 15.6–87 minutes after it, slower starters a few minutes sooner; over those, r3 seed 43 and r1–r3 seeds 21–23,
       * 9,000 legitimate keys over 48 h, the same legitimate keys alerted as without the rule).
       */
      name: 'harvest_instructions_dominant',
      category: 'cot_harvesting',
      floor: CORROBORATED_FLOOR,
      all: [
        atLeast('harvest_instruction_share', 4 * t.harvestInstructionShare, 1),
        atLeast('harvest_instructions_recent', t.harvestInstructionsRecent / 2, t.harvestInstructionsRecent * 4),
        outputHeavy,
      ],
    },
    {
      /**
       * Reasoning phrases at volume with harvest-shaped outputs. The phrase list is no evidence on its own: apps that
       * append "explain step by step" to their users' questions, and people, write them all day (issue 10: a classifier
       * with real human prompts as negatives instead of a phrase list alone), so this stays at the ambiguous ceiling
       * and the classifier-reading rules carry chain-of-thought harvesting. On six tuning sets no attack key's
       * detection or time to detect changed with the ceiling.
       */
      name: 'reasoning_elicitation_at_volume',
      category: 'cot_harvesting',
      ceiling: AMBIGUOUS_CEILING,
      all: [atLeast('reasoning_phrase_share', t.reasoningShare, 1), pace(t.cotReqPerHour, 20), ...harvestShaped],
    },
    {
      /**
       * Around the clock at low volume, harvesting the outputs of prompts the elicitation classifier flags. The phrase
       * list is no evidence here: a tutoring app's users write "explain step by step" all day and get long answers
       * (tuning data r1 seed 21, r3 seeds 23 and 43: 9 tutoring apps alerted with phrase shares of 0.5–1, out/in 2.2–2.6
       * and 23–24 active hours), while their flagged prompts come with history and return 1.4–1.6 times their input;
       * low-and-slow harvesters' flagged prompts return 2.3–6 times theirs.
       */
      name: 'steady_low_volume_extraction',
      category: 'low_and_slow',
      all: [
        atLeast('active_hours_per_day', t.slowActiveHours, 24),
        atLeast('req_per_hour', STEADY_MIN_PER_HOUR, STEADY_MIN_PER_HOUR),
        atMost('req_per_hour', t.cotReqPerHour),
        atLeast('req_per_day', 100, 2_000),
        outputHeavy,
        [harvested, atLeast('long_output_share', t.longOutputShare, 1)],
        atMost('multi_sample_share', MIXED_MAX_MULTI_SAMPLE),
        atMost('temperature_std', VARIANCE_STUDY_TEMPERATURE_STD),
        atMost('max_tokens_stop_share', TRUNCATED_SHARE),
        atLeast('harvest_instruction_share', t.harvestInstructionShare, 1),
        flaggedHarvested,
      ],
    },
    {
      name: 'bulk_harvest',
      category: 'bulk_distillation',
      ceiling: AMBIGUOUS_CEILING,
      all: [...diverseAtVolume, harvested, atLeast('long_output_share', t.longOutputShare, 1)],
    },
    {
      /**
       * The classifier-flagged prompts on their own, over hours: dozens of them with outputs well over twice their
       * inputs, whatever the rest of the key's traffic is. This is how a low-rate harvester, or one reseller customer's
       * harvesting mixed into other customers' chat, shows once the key-wide shares dilute it (tuning data r3 seed 33:
       * resellers' flagged prompts return 2.5–5 times their input, tutoring apps' flagged prompts 1.1–1.5, since they
       * come with a system prompt and history). A key that mostly sends such prompts is harvesting chain of thought.
       */
      name: 'instructed_harvest_sustained',
      category: 'cot_harvesting',
      floor: CORROBORATED_FLOOR,
      all: [atLeast('harvest_instruction_share', t.harvestInstructionShare, 1), instructedRecent, flaggedHarvested],
    },
    {
      /**
       * Flagged prompts that harvest far more than the key's traffic as a whole: one customer's extraction mixed
       * into resold traffic. What separates it is the lift, so their own ratio only has to show outputs longer than
       * inputs (few-shot contexts keep it low: tuning data r2 seed 22, resellers' flagged prompts at 1.6–3.5).
       * Tutoring apps send a third of their prompts flagged, with history, so those harvest about as much as the
       * rest; a key whose every output is long (synthetic-data jobs) gives the classifier's rare false readings of its
       * prompts that same shape, a lift near 1 (r1 seed 21, r2 seed 22: at out/in 1.7–3.9, 20–31 such prompts at
       * 3.4–3.7). Over r2 seed 22 and r3 seed 33 no legitimate key had more than 7 flagged prompts (decayed count)
       * while both held; every reseller had more than 26.
       */
      name: 'instructed_harvest_mixed_in',
      category: 'reseller_mixed',
      floor: CORROBORATED_FLOOR,
      all: [
        instructedRecent,
        atLeast('instructed_out_in_lift', MIXED_MIN_LIFT, MIXED_MIN_LIFT * 4),
        atLeast('instructed_out_in_ratio', MIXED_MIN_INSTRUCTED_OUT_IN, t.instructedOutIn * 3),
      ],
    },
    {
      /**
       * Ambiguous on its own: a document pipeline whose model writes shorter documents, or a synthetic-data job, has
       * the same mixed output shape at volume (tuning data with outputs ×0.6: document pipelines reach 0.74 on it,
       * synthetic-data jobs 0.79), so it is evidence other signals must add to. Not when most prompts are
       * harvesting instructions (MIXED_MAX_INSTRUCTION_SHARE): then the tfjs classifier's reading of them counted as
       * a second kind of evidence and took an eval harness running 8-shot chain-of-thought benchmarks to critical
       * (out-of-family probe, 2026-12-05: 7 of 8 such harnesses, share 0.96, out/in 0.56).
       */
      name: 'router_mixing_in_extraction',
      category: 'reseller_mixed',
      ceiling: AMBIGUOUS_CEILING,
      all: [
        atLeast('req_per_day', t.resellerReqPerDay, t.resellerReqPerDay * 10),
        atLeast('req_per_hour', t.bulkReqPerHour, t.bulkReqPerHour * 10),
        atLeast('out_in_ratio', MIXED_MIN_OUT_IN, OUTPUT_HEAVY),
        atMost('out_in_ratio', OUTPUT_HEAVY),
        atLeast('long_output_share', t.longOutputShare / 4, MIXED_MAX_LONG_SHARE),
        atMost('long_output_share', MIXED_MAX_LONG_SHARE),
        atMost('multi_sample_share', MIXED_MAX_MULTI_SAMPLE),
        atMost('logprobs_share', MIXED_MAX_MULTI_SAMPLE),
        atMost('harvest_instruction_share', MIXED_MAX_INSTRUCTION_SHARE),
      ],
    },
  ];
}
