import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDetectorConfig } from '../../../services/common/config/detector.ts';
import { FEATURE_INDEX as F, FEATURE_COUNT } from '../../../services/detector/features/feature-names.ts';
import { createBaselineScorer } from '../../../services/detector/scorers/baseline-scorer.ts';
import { createEnsemble, severityOf } from '../../../services/detector/scorers/ensemble.ts';
import { createPopulationScorer } from '../../../services/detector/scorers/population-scorer.ts';
import { CohortStats } from '../../../services/detector/scorers/population-stats.ts';
import { createRuleScorer, RULE_FLOOR } from '../../../services/detector/scorers/rule-scorer.ts';
import { buildRules } from '../../../services/detector/scorers/rules.ts';
import type { ScoreInput, Scorer } from '../../../services/detector/scorers/scorer.ts';
import { Baseline } from '../../../services/detector/state/baseline.ts';
import { HOUR, MINUTE, T0 } from '../../fixtures/detector/events.ts';

const config = defaultDetectorConfig();

function vector(values: Partial<Record<keyof typeof F, number>>): Float64Array {
  const v = new Float64Array(FEATURE_COUNT);
  v[F.distinct_prompt_ratio] = 1;
  v[F.interarrival_cv] = 1;
  for (const [name, value] of Object.entries(values)) v[F[name as keyof typeof F]] = value!;
  return v;
}

function input(features: Float64Array, extra: Partial<ScoreInput> = {}): ScoreInput {
  return { apiKeyId: 'k', orgId: 'o', cohort: 'm|', ts: T0, features, population: null, baseline: null, ...extra };
}

/** A heavy, diverse, output-harvesting key: what bulk distillation looks like. */
const bulk = {
  req_per_hour: 2_000,
  req_per_day: 20_000,
  distinct_prompt_ratio: 0.98,
  out_in_ratio: 12,
  long_output_share: 0.9,
};

describe('rule scorer', () => {
  const rules = createRuleScorer(buildRules(config.rules));

  it('fires bulk_distillation on volume + diverse prompts + harvested outputs, with reasons', () => {
    const result = rules.score(input(vector(bulk)));
    assert.equal(result.category, 'bulk_distillation');
    assert.ok(result.score >= RULE_FLOOR && result.score <= 1);
    assert.deepEqual(result.reasons.map((r) => r.feature).sort(), [
      'distinct_prompt_ratio',
      'long_output_share',
      'out_in_ratio',
      'req_per_hour',
    ]);
    const total = result.reasons.reduce((s, r) => s + r.contribution, 0);
    assert.ok(Math.abs(total - 1) < 0.01);
  });

  it('does not fire on volume alone (an input-heavy document pipeline)', () => {
    const result = rules.score(
      input(vector({ req_per_hour: 5_000, req_per_day: 50_000, out_in_ratio: 0.2, long_output_share: 0 })),
    );
    assert.equal(result.score, 0);
    assert.equal(result.category, undefined);
  });

  it('scores higher the further past the thresholds', () => {
    const instructed = { ...bulk, harvest_instruction_share: 0.3, harvest_instructions_recent: 40 };
    const mild = rules.score(input(vector({ ...instructed, req_per_hour: 400, out_in_ratio: 5 }))).score;
    const strong = rules.score(input(vector({ ...instructed, req_per_hour: 3_000, out_in_ratio: 16 }))).score;
    assert.ok(strong > mild, `${mild} < ${strong}`);
  });

  it('keeps bulk harvesting below 0.8 in one language or many (synthetic-data jobs, content platforms); instructions corroborate', () => {
    const monolingual = rules.score(input(vector({ ...bulk, req_per_hour: 5_000, out_in_ratio: 40 })));
    assert.equal(monolingual.category, 'bulk_distillation');
    assert.ok(monolingual.score <= 0.75, `${monolingual.score}`);
    const multilingual = rules.score(
      input(vector({ ...bulk, req_per_hour: 5_000, out_in_ratio: 40, language_mix: 0.6 })),
    );
    assert.equal(multilingual.category, 'bulk_distillation');
    assert.ok(multilingual.score <= 0.75, `${multilingual.score}`);
    const instructed = rules.score(
      input(
        vector({
          ...bulk,
          out_in_ratio: 2.3,
          long_output_share: 0.2,
          harvest_instruction_share: 0.3,
          harvest_instructions_recent: 40,
        }),
      ),
    );
    assert.equal(instructed.category, 'bulk_distillation');
    assert.ok(instructed.score >= 0.8, `${instructed.score}`);
    assert.equal(instructed.ambiguousOn, undefined, 'a rule without a ceiling fired');
    const inputHeavy = { ...bulk, out_in_ratio: 0.7, long_output_share: 0.2, language_mix: 0.3 };
    const translation = rules.score(input(vector({ ...inputHeavy, req_per_day: 2_000 })));
    assert.equal(translation.score, 0, 'a multilingual translation job or chat app');
  });

  it('does not take a tutoring app (reasoning requested for people, outputs about as long as inputs) for CoT harvesting', () => {
    const tutoring = { reasoning_phrase_share: 0.9, req_per_hour: 250, out_in_ratio: 1.4, long_output_share: 0.6 };
    assert.equal(rules.score(input(vector(tutoring))).score, 0);
    // harvest-shaped outputs with reasoning phrases name the category but stay at the ambiguous ceiling: the phrase
    // list is no evidence on its own (an app appending "explain step by step" to bare questions looks the same)
    const bare = rules.score(input(vector({ ...tutoring, out_in_ratio: 6 })));
    assert.equal(bare.category, 'cot_harvesting');
    assert.ok(bare.score <= 0.75, `${bare.score}`);
    assert.ok(bare.ambiguousOn?.includes('out_in_ratio'), 'only rules with a ceiling fired: the features they read');
    const overnight = { ...tutoring, active_hours_per_day: 18, req_per_hour: 1, req_per_day: 500, out_in_ratio: 3 };
    assert.equal(rules.score(input(vector(overnight))).score, 0, 'low-and-slow needs the key to be sending this hour');
  });

  it('names the most specific pattern: a scripted template sweep over a bulk harvest', () => {
    const sweep = vector({ ...bulk, interarrival_cv: 0.3, template_share: 0.5 });
    assert.equal(rules.score(input(sweep)).category, 'capability_sweep');
  });

  it('fires cot_harvesting on reasoning elicitation at volume', () => {
    const cot = vector({ reasoning_phrase_share: 0.7, req_per_hour: 200, out_in_ratio: 10, long_output_share: 0.9 });
    assert.equal(rules.score(input(cot)).category, 'cot_harvesting');
  });

  it('fires on harvesting instructions the classifier reads, with harvested outputs, at volume or accumulating', () => {
    // Paraphrased dataset questions: no diversity needed, and no phrase-list match.
    const instructed = {
      harvest_instruction_share: 0.4,
      distinct_prompt_ratio: 0.4,
      out_in_ratio: 3,
      long_output_share: 0.5,
    };
    const atVolume = rules.score(input(vector({ ...instructed, req_per_hour: 200 })));
    assert.equal(atVolume.category, 'cot_harvesting');
    assert.ok(atVolume.score >= 0.8, `corroborated: ${atVolume.score}`);
    assert.ok(atVolume.reasons.some((r) => r.feature === 'harvest_instruction_share'));
    // A campaign's first quarter hour: 15 requests so far, a dozen of them harvesting instructions.
    const early = { ...instructed, harvest_instruction_share: 0.8, req_per_hour: 15, req_per_min: 1 };
    assert.equal(rules.score(input(vector({ ...early, harvest_instructions_recent: 12 }))).category, 'cot_harvesting');
    assert.equal(rules.score(input(vector({ ...early, harvest_instructions_recent: 4 }))).score, 0, 'too few yet');
    // Half as many once most prompts are such instructions; a key with fewer of them waits for the dozen.
    const dominant = rules.score(input(vector({ ...early, harvest_instructions_recent: 6 })));
    assert.equal(dominant.category, 'cot_harvesting');
    assert.ok(dominant.score >= 0.8, `corroborated: ${dominant.score}`);
    const half = { ...early, harvest_instruction_share: 0.45, harvest_instructions_recent: 6 };
    assert.equal(rules.score(input(vector(half))).score, 0, 'at under 60% of prompts, 6 are too few');
    assert.equal(rules.score(input(vector({ ...early, harvest_instructions_recent: 6, out_in_ratio: 1.5 }))).score, 0);
    // Tutoring: instructions read as harvesting in part, outputs about as long as the inputs.
    const tutoring = { ...instructed, req_per_hour: 300, harvest_instructions_recent: 80, out_in_ratio: 1.3 };
    assert.equal(rules.score(input(vector(tutoring))).score, 0);
    const fewFlagged = { ...early, harvest_instruction_share: 0.2, harvest_instructions_recent: 12 };
    assert.equal(rules.score(input(vector(fewFlagged))).score, 0, 'accumulating needs twice the share');
  });

  it('judges the classifier-flagged prompts on their own: harvesting mixed into a reseller key, or at a low rate', () => {
    // A router: mostly chat (input-heavy, 5% of prompts flagged), but the flagged ones return four times their input.
    const router = {
      req_per_hour: 400,
      req_per_day: 6_000,
      out_in_ratio: 0.6,
      long_output_share: 0.15,
      harvest_instruction_share: 0.05,
      instructed_recent: 60,
      instructed_out_in_ratio: 4,
      instructed_out_in_lift: 5,
    };
    const mixed = rules.score(input(vector(router)));
    assert.equal(mixed.category, 'reseller_mixed');
    assert.ok(mixed.score >= 0.8, `corroborated: ${mixed.score}`);
    assert.ok(mixed.reasons.some((r) => r.feature === 'instructed_out_in_ratio'));
    // Few-shot contexts keep the flagged prompts' own ratio low; they still harvest three times what the key does.
    const fewShot = rules.score(input(vector({ ...router, instructed_out_in_ratio: 1.7, instructed_out_in_lift: 3 })));
    assert.equal(fewShot.category, 'reseller_mixed');
    // A key that mostly sends such prompts, a few an hour: chain-of-thought harvesting at a low rate.
    const slow = { ...router, req_per_hour: 6, req_per_day: 140, harvest_instruction_share: 0.4, out_in_ratio: 4 };
    assert.equal(rules.score(input(vector(slow))).category, 'cot_harvesting');
    // A tutoring app: many flagged prompts, sent with history, so their outputs stay about as long as their inputs.
    // At most the ambiguous router pattern (the key's mixed output shape at volume) remains.
    const tutoring = rules.score(
      input(vector({ ...router, instructed_out_in_ratio: 1.6, instructed_out_in_lift: 1.3 })),
    );
    assert.ok(tutoring.score <= 0.75, `${tutoring.score}`);
    // A synthetic-data job: every output long, so the classifier's rare false readings of its prompts share the shape.
    const synthetic = {
      ...router,
      out_in_ratio: 1.7,
      long_output_share: 0.9,
      instructed_out_in_ratio: 3.7,
      instructed_out_in_lift: 1.1,
    };
    assert.notEqual(rules.score(input(vector(synthetic))).category, 'reseller_mixed');
    // A handful of flagged prompts with long answers is a person, not a campaign.
    const few = rules.score(input(vector({ ...router, instructed_recent: 6 })));
    assert.ok(few.score <= 0.75, `${few.score}`);
    assert.equal(rules.score(input(vector({ ...slow, instructed_recent: 6 }))).score, 0);
  });

  it('corroborates a bulk harvest with the harvesting instructions the classifier reads (outputs twice the input)', () => {
    // A bulk key asking for complete answers: diverse, at volume, outputs ~2.3x the input but mostly not long.
    const asked = {
      req_per_hour: 400,
      distinct_prompt_ratio: 0.95,
      out_in_ratio: 2.3,
      long_output_share: 0.2,
      harvest_instruction_share: 0.4,
      harvest_instructions_recent: 50,
    };
    const result = rules.score(input(vector(asked)));
    assert.equal(result.category, 'bulk_distillation');
    assert.ok(result.score >= 0.8, `corroborated: ${result.score}`);
    assert.ok(result.reasons.some((r) => r.feature === 'harvest_instruction_share'));
    // Without the classifier's reading, the same shape is the ambiguous bulk pattern at most.
    const unread = rules.score(
      input(vector({ ...asked, harvest_instruction_share: 0, harvest_instructions_recent: 0 })),
    );
    assert.ok(unread.score <= 0.75, `${unread.score}`);
    // A tutoring app at volume: instructions read, outputs about as long as the inputs.
    assert.ok(rules.score(input(vector({ ...asked, out_in_ratio: 1.3 }))).score <= 0.75);
    // A few flagged prompts among many do not corroborate; too few so far are no bulk finding (at this pace and share
    // the CoT rule reads them, which needs no count).
    assert.ok(rules.score(input(vector({ ...asked, harvest_instruction_share: 0.05 }))).score <= 0.75);
    const fewSoFar = rules.score(input(vector({ ...asked, harvest_instructions_recent: 4 })));
    assert.equal(fewSoFar.category, 'cot_harvesting');
  });

  it('fires region_evasion on extraction leaking from unsupported regions, not on travellers or proxies alone', () => {
    const extracting = { req_per_hour: 400, out_in_ratio: 8, long_output_share: 0.8 };
    const proxied = { country_mismatch_share: 1, unsupported_region_share: 0.01 };
    assert.equal(rules.score(input(vector({ ...proxied, ...extracting }))).category, 'region_evasion');
    assert.equal(rules.score(input(vector({ ...proxied, datacenter_asn_share: 1 }))).score, 0, 'no behaviour');
    const traveller = { unsupported_region_share: 1, country_mismatch_share: 1, req_per_hour: 12, out_in_ratio: 6 };
    assert.equal(rules.score(input(vector(traveller))).score, 0, 'a traveller at human volume');
    // A document pipeline writes long outputs from long briefs: volume and long outputs, but nothing harvested.
    const documents = {
      unsupported_region_share: 0.27,
      req_per_hour: 1_000,
      out_in_ratio: 1.1,
      long_output_share: 0.99,
    };
    assert.equal(rules.score(input(vector(documents))).category, undefined, 'long outputs alone are not harvesting');
    // Nor are reasoning phrases: a tutoring app's users write them all day, and its outputs stay about as long as
    // the questions with their history.
    const tutoring = { ...documents, out_in_ratio: 1.4, long_output_share: 0.5, reasoning_phrase_share: 0.6 };
    assert.notEqual(rules.score(input(vector(tutoring))).category, 'region_evasion', 'reasoning phrases alone');
    const harvesting = { ...tutoring, out_in_ratio: 3 };
    assert.equal(rules.score(input(vector(harvesting))).category, 'region_evasion', 'outputs harvested from there');
  });

  it('finds low-and-slow by its classifier-flagged prompts, not the phrase list; excludes n>1 sampling, temperature sweeps and truncated outputs (researchers)', () => {
    const slow = {
      active_hours_per_day: 20,
      req_per_hour: 20,
      req_per_day: 400,
      out_in_ratio: 10,
      harvest_instruction_share: 0.6,
      instructed_out_in_ratio: 8,
    };
    assert.equal(rules.score(input(vector(slow))).category, 'low_and_slow');
    // A tutoring app: users asking to be walked through things all day, long answers, flagged prompts with history.
    const tutoring = {
      ...slow,
      reasoning_phrase_share: 0.9,
      harvest_instruction_share: 0.25,
      instructed_out_in_ratio: 1.5,
    };
    assert.equal(
      rules.score(input(vector({ ...tutoring, out_in_ratio: 2.4 }))).score,
      0,
      'the phrase list is no evidence',
    );
    assert.equal(rules.score(input(vector({ ...slow, multi_sample_share: 0.5 }))).score, 0);
    assert.equal(rules.score(input(vector({ ...slow, temperature_std: 0.4 }))).score, 0);
    assert.equal(rules.score(input(vector({ ...slow, max_tokens_stop_share: 0.6 }))).score, 0, 'truncated outputs');
  });

  it('never fires on network or account context alone', () => {
    const context = {
      key_age_days: 0,
      org_key_count: 500,
      distinct_ips: 5_000,
      distinct_asns: 40,
      distinct_countries: 30,
      datacenter_asn_share: 1,
      country_mismatch_share: 1,
      unsupported_region_share: 1,
    };
    assert.equal(rules.score(input(vector(context))).score, 0);
    assert.equal(rules.score(input(vector({ ...context, req_per_hour: 700, distinct_prompt_ratio: 1 }))).score, 0);
  });

  it('fires reseller_mixed on a router key whose outputs turned long, unless it samples n>1; never alone above 0.75', () => {
    const router = {
      req_per_day: 6_000,
      req_per_hour: 400,
      datacenter_asn_share: 1,
      out_in_ratio: 0.4,
      long_output_share: 0.2,
    };
    assert.equal(rules.score(input(vector(router))).category, 'reseller_mixed');
    const strongest = rules.score(
      input(vector({ ...router, req_per_day: 600_000, req_per_hour: 40_000, out_in_ratio: 2 })),
    );
    assert.equal(strongest.category, 'reseller_mixed');
    assert.equal(strongest.score, 0.75, 'a shape document pipelines share: evidence others must add to');
    assert.equal(rules.score(input(vector({ ...router, long_output_share: 0.05 }))).score, 0);
    const documentPipeline = { ...router, out_in_ratio: 0.9, long_output_share: 0.95 };
    assert.equal(rules.score(input(vector(documentPipeline))).score, 0, 'nearly all outputs long: one workload');
    assert.equal(rules.score(input(vector({ ...router, multi_sample_share: 0.5 }))).score, 0);
    // Mostly harvesting instructions: one workload (a few-shot chain-of-thought eval harness), not a mix.
    assert.equal(rules.score(input(vector({ ...router, harvest_instruction_share: 0.96 }))).score, 0);
    // A minority of them: the pattern holds, and the gates it passed are no evidence it read, so the classifier's
    // reading of those prompts (or of the sampling settings) still counts as another kind of evidence.
    const mixed = rules.score(input(vector({ ...router, harvest_instruction_share: 0.15 })));
    assert.equal(mixed.category, 'reseller_mixed');
    assert.ok(mixed.ambiguousOn?.includes('out_in_ratio'));
    for (const gate of ['harvest_instruction_share', 'multi_sample_share', 'logprobs_share'])
      assert.ok(!mixed.ambiguousOn?.includes(gate), gate);
  });

  it('starts counting a campaign from its five-minute pace before the hourly window fills', () => {
    const early = {
      reasoning_phrase_share: 0.7,
      req_per_hour: 20,
      req_per_min: 3,
      out_in_ratio: 10,
      long_output_share: 0.9,
    };
    assert.equal(rules.score(input(vector(early))).category, 'cot_harvesting');
    assert.equal(rules.score(input(vector({ ...early, req_per_min: 1 }))).category, undefined);
  });
});

/** A cohort whose req_per_hour is log-normal around 100 and whose other features are 0. */
function cohort(samples: number): CohortStats {
  const stats = new CohortStats();
  for (let i = 0; i < samples; i++) {
    const wobble = ((i % 21) - 10) / 10;
    stats.add(vector({ req_per_hour: 100 * Math.exp(0.3 * wobble), distinct_prompt_ratio: 1 }), T0 + i * 1000);
  }
  return stats;
}

describe('population statistics and scorer', () => {
  const stats = cohort(2_000);

  it('recovers the median and places values by percentile', () => {
    assert.ok(Math.abs(stats.median(F.req_per_hour) - 100) / 100 < 0.1, `${stats.median(F.req_per_hour)}`);
    assert.ok(stats.percentile(F.req_per_hour, 100) > 40 && stats.percentile(F.req_per_hour, 100) < 60);
    assert.ok(stats.percentile(F.req_per_hour, 10_000) > 99);
    assert.ok(Math.abs(stats.robustZ(F.req_per_hour, 100)) < 0.5);
    assert.ok(stats.robustZ(F.req_per_hour, 10_000) > 10);
  });

  it('scores outliers on the suspicious side only, and abstains on a small cohort', () => {
    const scorer = createPopulationScorer(100);
    const typical = scorer.score(input(vector({ req_per_hour: 100 }), { population: stats }));
    const outlier = scorer.score(
      input(vector({ req_per_hour: 10_000, reasoning_phrase_share: 0.8 }), { population: stats }),
    );
    const quiet = scorer.score(input(vector({ req_per_hour: 1 }), { population: stats }));
    assert.equal(typical.score, 0);
    assert.equal(quiet.score, 0, 'low volume is not suspicious');
    assert.ok(outlier.score > 0.8);
    assert.deepEqual(
      new Set(outlier.reasons.map((r) => r.feature)),
      new Set(['req_per_hour', 'reasoning_phrase_share']),
    );
    assert.equal(outlier.reasons.find((r) => r.feature === 'req_per_hour')!.scorer, 'population');
    const small = scorer.score(input(vector({ req_per_hour: 10_000 }), { population: cohort(50) }));
    assert.equal(small.score, 0);
  });

  it('a restored cohort scores from its restored histograms at once, as the cohort it was taken from does', () => {
    const restored = CohortStats.restore(stats.snapshot());
    assert.equal(restored.median(F.req_per_hour), stats.median(F.req_per_hour));
    assert.equal(restored.robustZ(F.req_per_hour, 1_000), stats.robustZ(F.req_per_hour, 1_000));
    assert.ok(restored.robustZ(F.req_per_hour, 1_000) > 3, 'not a zero median and scale');
  });

  it('restores a snapshot taken before features were appended, the new ones empty; refuses one with more', () => {
    const full = stats.snapshot();
    const restored = CohortStats.restore(full.slice(0, F.req_per_hour + 1));
    assert.equal(restored.percentile(F.req_per_hour, 120), stats.percentile(F.req_per_hour, 120));
    assert.equal(restored.samples, stats.samples);
    const empty = new CohortStats().snapshot();
    assert.deepEqual(restored.snapshot()[FEATURE_COUNT - 1], empty[FEATURE_COUNT - 1], 'appended: an empty histogram');
    assert.deepEqual(CohortStats.restore(full).snapshot(), full);
    assert.throws(() => CohortStats.restore([...full, full[0]!]), /holds \d+ fields, expected at most/);
  });
});

describe('baseline scorer', () => {
  function trained(): Baseline {
    const baseline = new Baseline();
    for (let i = 0; i < 200; i++)
      baseline.update(vector({ req_per_hour: 100 + (i % 5), out_in_ratio: 1 }), T0 + i * 10 * MINUTE);
    return baseline;
  }
  const scorer = createBaselineScorer(60, 24 * HOUR);
  const later = T0 + 40 * HOUR;

  it('flags a jump against the key’s own history, with the baseline in the reason', () => {
    const result = scorer.score(
      input(vector({ req_per_hour: 2_000, out_in_ratio: 1 }), { baseline: trained(), ts: later }),
    );
    assert.ok(result.score > 0.5, `${result.score}`);
    const reason = result.reasons.find((r) => r.feature === 'req_per_hour')!;
    assert.ok(Math.abs(reason.baseline! - 102) < 5, `${reason.baseline}`);
    assert.equal(reason.scorer, 'baseline');
  });

  it('ignores the usual level, a drop, and a baseline younger than its minimum span', () => {
    const b = trained();
    assert.equal(
      scorer.score(input(vector({ req_per_hour: 102, out_in_ratio: 1 }), { baseline: b, ts: later })).score,
      0,
    );
    assert.equal(
      scorer.score(input(vector({ req_per_hour: 5, out_in_ratio: 1 }), { baseline: b, ts: later })).score,
      0,
    );
    const young = scorer.score(input(vector({ req_per_hour: 2_000 }), { baseline: b, ts: T0 + 10 * HOUR }));
    assert.equal(young.score, 0);
  });
});

describe('ensemble', () => {
  const fixed = (name: string, score: number, category?: 'bulk_distillation'): Scorer => ({
    name,
    score: () => ({
      score,
      reasons: score
        ? [{ feature: `${name}_feature`, value: 1, baseline: null, percentile: null, contribution: 1, scorer: name }]
        : [],
      category,
    }),
  });

  it('alerts only on extraction evidence; statistics alone stay low, raise priority, and are never a category', () => {
    const statsOnly = createEnsemble([fixed('population', 1), fixed('baseline', 1)]).score(input(vector({})));
    assert.equal(statsOnly.evidence, 0);
    assert.equal(statsOnly.score, 0);
    assert.equal(statsOnly.severity, 'low');
    assert.equal(statsOnly.category, 'anomaly');
    assert.equal(statsOnly.informational, false);
    const withRule = createEnsemble([fixed('rule', 0.7, 'bulk_distillation'), fixed('population', 1)]).score(
      input(vector({})),
    );
    assert.equal(withRule.evidence, 0.7);
    assert.ok(Math.abs(withRule.score - (0.7 + 0.3 * 0.5 * 0.35)) < 1e-4);
    assert.equal(withRule.category, 'bulk_distillation');
    assert.equal(withRule.severity, 'high');
  });

  it('reports strong anomaly without evidence as informational', () => {
    const novel = createEnsemble([fixed('population', 1), fixed('baseline', 1), fixed('autoencoder', 1)]).score(
      input(vector({})),
    );
    assert.equal(novel.severity, 'low');
    assert.equal(novel.informational, true);
    assert.equal(novel.category, 'anomaly');
  });

  it('lets the classifier corroborate a rule, never stand in for one nor count twice what an ambiguous rule read', () => {
    const reason = (feature: string, contribution: number) => ({
      feature,
      value: 1,
      baseline: null,
      percentile: null,
      contribution,
      scorer: 'classifier',
    });
    const classifier: Scorer = {
      name: 'classifier',
      score: () => ({
        score: 1,
        category: 'bulk_distillation',
        reasons: [
          reason('out_in_ratio', 0.5),
          reason('prompt_tokens_mean', 0.2),
          reason('instructed_out_in_lift', 0.3),
        ],
      }),
    };
    const rule = (score: number, ambiguousOn?: string[]): Scorer => ({
      name: 'rule',
      score: () => ({ ...fixed('rule', score, 'bulk_distillation').score(input(vector({}))), ambiguousOn }),
    });
    const alone = createEnsemble([rule(0), classifier]).score(input(vector({})));
    assert.equal(alone.evidence, 0);
    assert.equal(alone.severity, 'low');
    assert.equal(alone.parts.classifier, 1, 'its score is kept for the record');
    const sameShape = createEnsemble([rule(0.75, ['req_per_hour', 'out_in_ratio']), classifier]).score(
      input(vector({})),
    );
    // out/in and prompt length are one kind of evidence (output shape): only the flagged-prompt lift corroborates
    assert.ok(Math.abs(sameShape.evidence - (1 - 0.25 * (1 - 0.75 * 0.3))) < 1e-4, `${sameShape.evidence}`);
    const sameKinds = createEnsemble([rule(0.75, ['out_in_ratio', 'instructed_recent']), classifier]).score(
      input(vector({})),
    );
    assert.equal(sameKinds.evidence, 0.75, 'nothing new: the pattern stays where the rule put it');
    assert.ok(!sameKinds.reasons.some((r) => r.scorer.includes('classifier')));
    const corroborated = createEnsemble([rule(0.75), classifier]).score(input(vector({})));
    assert.equal(corroborated.evidence, 0.9375, 'next to a rule without a ceiling it counts fully');
  });

  it('applies calibrated thresholds: the same evidence is no alert under a stricter budget', () => {
    const strict = () => ({ medium: 0.8, high: 0.9, critical: 0.95 });
    const result = createEnsemble(
      [fixed('rule', 0.7, 'bulk_distillation'), fixed('population', 1)],
      undefined,
      strict,
    ).score(input(vector({})));
    assert.equal(result.severity, 'low');
    assert.equal(result.score, 0.7);
    assert.equal(result.category, 'anomaly');
  });

  it('merges one feature named by several scorers into one reason', () => {
    const same = (name: string, score: number): Scorer => ({
      name,
      score: () => ({
        score,
        reasons: [
          { feature: 'long_output_share', value: 0.9, baseline: 0.1, percentile: null, contribution: 1, scorer: name },
        ],
        category: name === 'rule' ? 'bulk_distillation' : undefined,
      }),
    });
    const result = createEnsemble([same('rule', 0.8), same('population', 1)]).score(input(vector({})));
    assert.equal(result.reasons.length, 1);
    assert.equal(result.reasons[0]!.scorer, 'rule+population');
    assert.ok(Math.abs(result.reasons[0]!.contribution - 1) < 0.001);
  });

  it('splits reason contributions by each scorer’s share of the evidence', () => {
    const result = createEnsemble([fixed('rule', 0.6, 'bulk_distillation'), fixed('population', 0.6)]).score(
      input(vector({})),
    );
    const rule = result.reasons.find((r) => r.scorer === 'rule')!.contribution;
    const population = result.reasons.find((r) => r.scorer === 'population')!.contribution;
    assert.ok(Math.abs(rule / population - 1 / 0.35) < 0.01);
    assert.ok(Math.abs(rule + population - 1) < 0.001);
  });

  it('maps scores to severities', () => {
    assert.deepEqual(
      [0.3, 0.6, 0.8, 0.95].map((s) => severityOf(s)),
      ['low', 'medium', 'high', 'critical'],
    );
    assert.equal(severityOf(0.7, { medium: 0.8, high: 0.9, critical: 0.95 }), 'low');
  });
});
