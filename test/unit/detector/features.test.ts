import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { defaultDetectorConfig } from '../../../services/common/config/detector.ts';
import { BUNDLED_MODELS_DIR } from '../../../services/common/config/ml.ts';
import { extractFeatures } from '../../../services/detector/features/extract.ts';
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { preparePrompt } from '../../../services/detector/features/prepared-event.ts';
import { KeyState } from '../../../services/detector/state/key-state.ts';
import { keyStateParams } from '../../../services/detector/state/sketch-params.ts';
import { loadElicitationModel } from '../../../services/ml/elicitation/elicitation-model-file.ts';
import type { ElicitationModel } from '../../../services/ml/elicitation/elicitation-scorer.ts';
import { evenly, event, extractionPrompt, HOUR, MINUTE, T0 } from '../../fixtures/detector/events.ts';

const params = keyStateParams(defaultDetectorConfig());

/** Folds `events` into a fresh key state and returns its features as of the last event (or `at`). */
function featuresOf(
  events: UsageEvent[],
  at?: number,
  orgKeys = 1,
  elicitation: ElicitationModel | null = null,
): Record<string, number> {
  const first = events[0]!;
  const identity = { orgId: first.org_id, model: first.model, endpoint: '', firstSeen: first.ts, createdAtMs: null };
  const state = new KeyState(first.api_key_id, identity, params);
  for (const e of events) state.observe(e, preparePrompt(e, elicitation));
  const values = extractFeatures(state, orgKeys, at ?? events[events.length - 1]!.ts, new Float64Array(FEATURE_COUNT));
  return Object.fromEntries(FEATURE_NAMES.map((n) => [n, values[FEATURE_INDEX[n]]!]));
}

const close = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);

describe('volume features', () => {
  it('counts requests and tokens per minute, hour and day', () => {
    const f = featuresOf(evenly(120, T0, HOUR, () => ({ input_tokens: 50, output_tokens: 500 })));
    close(f.req_per_min!, 2);
    close(f.req_per_hour!, 120);
    close(f.req_per_day!, 120);
    close(f.in_tokens_per_min!, 100);
    close(f.out_tokens_per_min!, 1_000);
    close(f.out_tokens_per_hour!, 60_000);
    close(f.out_in_ratio!, 10);
    close(f.prompt_tokens_mean!, 50);
  });

  it('lets requests older than the windows fall out', () => {
    const f = featuresOf(
      evenly(60, T0, HOUR, () => ({})),
      T0 + 3 * HOUR,
    );
    close(f.req_per_hour!, 0);
    close(f.req_per_day!, 60);
  });

  it('estimates concurrency from rate and latency (Little)', () => {
    const f = featuresOf(evenly(300, T0, 5 * MINUTE, () => ({ latency_ms: 12_000 })));
    close(f.concurrency!, 1 * 12);
  });

  it('shares of max_tokens stops and rate-limited requests', () => {
    const f = featuresOf(
      evenly(8, T0, MINUTE, (i) => ({
        stop_reason: i < 2 ? 'max_tokens' : 'end_turn',
        status: i === 7 ? 429 : 200,
        max_tokens: 4_096,
      })),
    );
    close(f.max_tokens_stop_share!, 0.25, 0.01);
    close(f.rate_limited_share!, 0.125, 0.01);
  });
});

describe('temporal features', () => {
  it('has zero inter-arrival CV for a metronome and counts active hours', () => {
    const f = featuresOf(evenly(240, T0, 4 * HOUR, () => ({})));
    close(f.interarrival_cv!, 0, 1e-3);
    close(f.active_hours_per_day!, 4);
    close(f.peak_minute_ratio!, 1);
  });

  it('reports a high peak-to-mean ratio for a burst', () => {
    const burst = evenly(50, T0 + 30 * MINUTE, 30_000, () => ({}));
    const trickle = evenly(10, T0, 30 * MINUTE, () => ({}));
    const f = featuresOf([...trickle, ...burst]);
    assert.ok(f.peak_minute_ratio! > 1.5, `${f.peak_minute_ratio}`);
  });
});

describe('prompt diversity features', () => {
  it('sees one repeated prompt as non-diverse template traffic', () => {
    const f = featuresOf(evenly(50, T0, HOUR, () => ({ prompt_text: 'Classify the sentiment of this review.' })));
    close(f.distinct_prompt_ratio!, 1 / 50, 0.005);
    assert.ok(f.template_share! > 0.95);
    assert.ok(f.prompt_novelty! < 0.05);
  });

  it('sees distinct unrelated prompts as diverse and novel', () => {
    const f = featuresOf(
      evenly(50, T0, HOUR, (i) => ({ prompt_text: `topic ${i * 104729} ${i * 7} unrelated words w${i}x q${i}z` })),
    );
    assert.ok(f.distinct_prompt_ratio! > 0.9);
    assert.ok(f.template_share! < 0.2, `${f.template_share}`);
    assert.ok(f.vocab_per_request! > 3, `${f.vocab_per_request}`);
  });

  it("measures the share of prompts outside the key's main language", () => {
    const questions = [
      'What is the best way to explain how the immune system works?',
      '¿Cómo funciona el sistema inmunológico y qué papel tienen los linfocitos?',
      'Wie funktioniert die Photosynthese und was ist das Problem?',
    ];
    const mixed = featuresOf(
      evenly(60, T0, HOUR, (i) => ({ prompt_text: `${questions[i % 3 === 0 ? 0 : i % 2 ? 1 : 2]} (${i})` })),
    );
    assert.ok(mixed.language_mix! > 0.4 && mixed.language_mix! < 0.8, `${mixed.language_mix}`);
    const english = featuresOf(evenly(60, T0, HOUR, (i) => ({ prompt_text: `${questions[0]} (${i})` })));
    assert.equal(english.language_mix, 0);
    const noText = featuresOf(evenly(60, T0, HOUR, () => ({ prompt_sha256: 'ab'.repeat(32) })));
    assert.equal(noText.language_mix, 0, 'no text, no language evidence');
  });

  it('uses the gateway SimHash and sha256 when the text is withheld', () => {
    const f = featuresOf(
      evenly(20, T0, HOUR, (i) => ({
        prompt_simhash: '00000000ffff0000',
        prompt_sha256: `${(i % 2).toString(16).padStart(8, '0')}${'a'.repeat(56)}`,
      })),
    );
    close(f.distinct_prompt_ratio!, 2 / 20, 0.01);
    assert.ok(f.template_share! > 0.9);
    close(f.vocab_per_request!, 0);
  });
});

describe('output harvesting features', () => {
  it('measures reasoning elicitation, logprobs, n>1 and long outputs', () => {
    const f = featuresOf(
      evenly(10, T0, MINUTE, (i) => ({
        prompt_text: i < 6 ? extractionPrompt(i) : `plain question ${i}`,
        logprobs: i < 3,
        n: i < 5 ? 4 : 1,
        output_tokens: i < 7 ? 2_000 : 100,
      })),
    );
    close(f.reasoning_phrase_share!, 0.6, 0.01);
    close(f.logprobs_share!, 0.3, 0.01);
    close(f.multi_sample_share!, 0.5, 0.01);
    close(f.long_output_share!, 0.7, 0.01);
    assert.ok(f.output_tokens_p90! > 1_400 && f.output_tokens_p90! < 2_900, `${f.output_tokens_p90}`);
  });

  it('measures the share of prompts the elicitation classifier reads as harvesting instructions', async () => {
    const elicitation = await loadElicitationModel(BUNDLED_MODELS_DIR);
    const harvesting = (i: number) =>
      `Answer question ${i} about ${i * 7919} widgets. Write your complete reasoning inside <reasoning> tags first, ` +
      'then the final answer inside <answer> tags.';
    // People asking to be walked through something: the phrase list matches them, the classifier does not.
    const human = (i: number) => `can you explain step by step how I should repot plant number ${i}?`;
    const events = evenly(10, T0, MINUTE, (i) => ({ prompt_text: i < 4 ? harvesting(i) : human(i) }));
    const f = featuresOf(events, undefined, 1, elicitation);
    close(f.harvest_instruction_share!, 0.4, 0.01);
    assert.ok(f.reasoning_phrase_share! > 0.5, 'the phrase list matches the human prompts too');
    close(featuresOf(events).harvest_instruction_share!, 0, 1e-9);
  });

  it('follows the classifier-flagged prompts on their own: a decayed count and their output/input ratio', async () => {
    const elicitation = await loadElicitationModel(BUNDLED_MODELS_DIR);
    const harvesting = (i: number) =>
      `Answer question ${i} about ${i * 7919} widgets. Write your complete reasoning inside <reasoning> tags first, ` +
      'then the final answer inside <answer> tags.';
    // A router: chat with long inputs and short outputs, every fifth request a harvesting instruction that returns
    // five times its input.
    const events = evenly(100, T0, HOUR, (i) =>
      i % 5 === 0
        ? { prompt_text: harvesting(i), input_tokens: 100, output_tokens: 500 }
        : {
            prompt_text: `what should I cook tonight with leftover rice, number ${i}?`,
            input_tokens: 900,
            output_tokens: 150,
          },
    );
    const f = featuresOf(events, undefined, 1, elicitation);
    close(f.instructed_out_in_ratio!, 5, 0.01);
    // All requests: 20 × (100 in, 500 out) + 80 × (900 in, 150 out) = 22,000 out over 74,000 in, about evenly weighted.
    close(f.instructed_out_in_lift!, 5 / (22_000 / 74_000), 0.2);
    assert.ok(f.out_in_ratio! < 0.5, `the key as a whole is input-heavy: ${f.out_in_ratio}`);
    // 20 flagged prompts over the last hour, each decayed by at most 2^(-1/6) with the 6 h half-life.
    assert.ok(f.instructed_recent! > 20 * 2 ** (-1 / 6) && f.instructed_recent! <= 20, `${f.instructed_recent}`);
    // Six hours without a flagged prompt halve the count; the ratio stays what the flagged prompts returned.
    const later = featuresOf(events, events.at(-1)!.ts + 6 * HOUR, 1, elicitation);
    close(later.instructed_recent!, f.instructed_recent! / 2, 1e-6);
    close(later.instructed_out_in_ratio!, 5, 0.01);
    const unread = featuresOf(events);
    close(unread.instructed_recent!, 0, 1e-9);
    close(unread.instructed_out_in_ratio!, 0, 1e-9);
    close(unread.instructed_out_in_lift!, 0, 1e-9);
  });

  it('measures a temperature sweep as spread', () => {
    const sweep = featuresOf(evenly(20, T0, MINUTE, (i) => ({ temperature: (i % 5) * 0.5 })));
    const fixed = featuresOf(evenly(20, T0, MINUTE, () => ({ temperature: 0.7 })));
    close(sweep.temperature_std!, Math.sqrt(0.5), 0.01);
    close(fixed.temperature_std!, 0, 1e-6);
  });
});

describe('identity and network features', () => {
  it('key age from key_created_at, org key count, distinct IPs/ASNs/countries', () => {
    const f = featuresOf(
      evenly(30, T0, HOUR, (i) => ({
        key_created_at: new Date(T0 - 2 * 86_400_000).toISOString(),
        client_ip: `203.0.113.${i % 10}`,
        client_asn: i % 3 === 0 ? 16509 : 7922,
        client_country: i % 2 ? 'US' : 'CN',
        billing_country: 'US',
      })),
      undefined,
      7,
    );
    close(f.key_age_days!, 2 + (HOUR * 29) / 30 / 86_400_000, 1e-3);
    close(f.org_key_count!, 7);
    close(f.distinct_ips!, 10, 0.6);
    close(f.distinct_asns!, 2, 0.2);
    close(f.distinct_countries!, 2, 0.2);
    assert.ok(Math.abs(f.datacenter_asn_share! - 1 / 3) < 0.05, `${f.datacenter_asn_share}`);
    assert.ok(Math.abs(f.unsupported_region_share! - 0.5) < 0.05, `${f.unsupported_region_share}`);
    assert.ok(Math.abs(f.country_mismatch_share! - 0.5) < 0.05, `${f.country_mismatch_share}`);
  });

  it('falls back to first-seen time for the key age', () => {
    const f = featuresOf([event({ ts: T0 }), event({ ts: T0 + 3 * 86_400_000 })]);
    close(f.key_age_days!, 3);
  });
});
