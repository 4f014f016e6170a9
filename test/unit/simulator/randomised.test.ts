import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { loadHumanPrompts } from '../../../services/simulator/human-prompts/loader.ts';
import { type RandomisedOptions, randomisedDataset } from '../../../services/simulator/randomised/index.ts';
import {
  randomisedOptionsSchema,
  VARIANTS,
  type VariantName,
} from '../../../services/simulator/randomised/randomised-options.ts';
import { buildPopulation } from '../../../services/simulator/randomised/randomised-population.ts';
import { ATTACK_ARCHETYPES, groundTruthSchema, RANDOMISED_BENIGN_SEGMENTS } from '../../../services/simulator/truth.ts';

const TURNS_FIXTURE = 'test/fixtures/sharegpt/human-turns.jsonl';
const SMALL: RandomisedOptions = { hours: 3, benignKeys: 400, attackScale: 0.2, humanPromptsPath: TURNS_FIXTURE };

function digest(events: Iterable<{ event: unknown }>): string {
  const hash = createHash('sha256');
  for (const { event } of events) hash.update(`${JSON.stringify(event)}\n`);
  return hash.digest('hex');
}

describe('randomisedDataset', () => {
  const data = randomisedDataset({ ...SMALL, seed: 5, promptMode: 'both' });
  const events = [...data.timedEvents];
  const truthByKey = new Map(data.truth.keys.map((k) => [k.api_key_id, k]));

  it('is deterministic, re-iterable, and differs across seeds and variants', () => {
    const again = randomisedDataset({ ...SMALL, seed: 5, promptMode: 'both' });
    assert.equal(digest(again.timedEvents), digest(events));
    assert.equal(digest(data.timedEvents), digest(events));
    assert.notEqual(digest(randomisedDataset({ ...SMALL, seed: 6, promptMode: 'both' }).timedEvents), digest(events));
    assert.notEqual(
      digest(randomisedDataset({ ...SMALL, seed: 5, variant: 'r3', promptMode: 'both' }).timedEvents),
      digest(events),
    );
  });

  it('names itself and fills the Dataset fields', () => {
    assert.equal(data.name, 'randomised/r1 seed 5');
    assert.equal(data.family, 'randomised');
    assert.equal(data.variant, 'r1');
    assert.equal(data.hours, 3);
    assert.deepEqual(data.humanPrompts, { slice: 'tune', turns: 3 });
    assert.equal(data.warning, null);
  });

  it('emits valid usage.v1 events in global time order, inside each key span, with gateway fields filled', () => {
    assert.ok(events.length > 5000, `only ${events.length} events`);
    const seenIds = new Set<string>();
    for (let i = 0; i < events.length; i++) {
      const { ts, event } = events[i]!;
      const parsed = parseEventValue(JSON.parse(JSON.stringify(event)));
      assert.ok(parsed.ok, parsed.ok ? '' : `${event.event_id}: ${parsed.reason}`);
      assert.equal(parsed.event.ts, ts);
      if (i > 0) assert.ok(events[i - 1]!.ts <= ts, `out of order at ${i}`);
      const truth = truthByKey.get(event.api_key_id)!;
      assert.equal(truth.org_id, event.org_id);
      assert.ok(ts >= Date.parse(truth.active_from) && ts < Date.parse(truth.active_until), event.event_id);
      seenIds.add(event.event_id);
      for (const field of [
        'max_tokens',
        'stop_reason',
        'latency_ms',
        'stream',
        'client_ip',
        'client_asn',
        'client_country',
        'billing_country',
        'user_agent',
        'key_created_at',
        'prompt_sha256',
        'prompt_text',
        'prompt_simhash',
      ] as const)
        assert.notEqual(event[field], undefined, `${event.event_id} lacks ${field}`);
    }
    assert.equal(seenIds.size, events.length);
    const has = (pick: (e: (typeof events)[number]['event']) => boolean) => events.some((t) => pick(t.event));
    assert.ok(has((e) => e.logprobs === true) && has((e) => (e.n ?? 1) > 1) && has((e) => e.temperature !== undefined));
    assert.ok(has((e) => e.tool_count !== undefined) && has((e) => e.system_prompt_sha256 !== undefined));
  });

  it('has a valid truth with every segment and attack, and campaigns that start inside the span', () => {
    groundTruthSchema.parse(data.truth);
    assert.equal(data.truth.family, 'randomised');
    const archetypes = new Set(data.truth.keys.map((k) => k.archetype));
    for (const a of [...RANDOMISED_BENIGN_SEGMENTS, ...ATTACK_ARCHETYPES]) assert.ok(archetypes.has(a), a);
    assert.equal(data.truth.keys.filter((k) => k.label === 'benign').length, 400);
    const start = Date.parse(data.truth.start);
    const end = Date.parse(data.truth.end);
    for (const c of data.truth.campaigns) {
      const at = Date.parse(c.start);
      assert.ok(at > start && at < end, `${c.campaign_id} starts outside the span`);
      if (c.archetype === 'hydra_network') assert.ok(c.api_key_ids.length >= 20 && c.api_key_ids.length <= 60);
    }
    for (const k of data.truth.keys.filter((key) => key.label === 'attack')) assert.ok(k.campaign_start, k.api_key_id);
  });

  it('gives some aged attack keys ordinary history before their campaign starts', () => {
    const before = new Set<string>();
    for (const { ts, event } of events) {
      const k = truthByKey.get(event.api_key_id)!;
      if (k.label === 'attack' && k.archetype !== 'reseller' && ts < Date.parse(k.campaign_start!))
        before.add(k.api_key_id);
    }
    assert.ok(before.size > 0, 'no attack key sent traffic before its campaign');
    for (const id of before)
      assert.ok(Date.parse(truthByKey.get(id)!.active_from) < Date.parse(truthByKey.get(id)!.campaign_start!));
  });

  it('uses only the requested ShareGPT slice for human prompts', () => {
    const texts = new Set(events.map((t) => t.event.prompt_text));
    assert.ok(texts.has('tune slice first conversation'));
    assert.ok(!texts.has('first report conversation'));
    const report = randomisedDataset({ ...SMALL, hours: 1, humanPrompts: 'report' });
    const reportTexts = new Set([...report.timedEvents].map((t) => t.event.prompt_text));
    assert.ok(reportTexts.has('first report conversation'));
    assert.ok(!reportTexts.has('tune slice first conversation'));
  });

  it('falls back to its own prompts and says so when the human turns file is absent', () => {
    const missing = randomisedDataset({ ...SMALL, hours: 1, humanPromptsPath: join(tmpdir(), 'absent.jsonl') });
    assert.equal(missing.variant, 'r1-nohuman');
    assert.match(missing.name, /r1-nohuman/);
    assert.match(missing.warning ?? '', /make data-sharegpt/);
    assert.equal(missing.humanPrompts, null);
    assert.ok([...missing.timedEvents].length > 0);
    assert.equal(randomisedDataset({ ...SMALL, hours: 1, humanPrompts: 'none' }).variant, 'r1-nohuman');
  });

  it('writes variant r3 in other topics and phrasing than r1', () => {
    const promptsOf = (variant: 'r1' | 'r3') => {
      const d = randomisedDataset({ ...SMALL, variant, humanPrompts: 'none' });
      const sweeps = new Map(
        d.truth.keys
          .filter((k) => k.archetype === 'capability_sweep')
          .map((k) => [k.api_key_id, Date.parse(k.campaign_start!)]),
      );
      return [...d.timedEvents]
        .filter((t) => t.ts >= (sweeps.get(t.event.api_key_id) ?? Number.POSITIVE_INFINITY))
        .map((t) => t.event.prompt_text!);
    };
    const r1 = promptsOf('r1');
    const r3 = promptsOf('r3');
    assert.ok(r1.length > 50 && r3.length > 50, `${r1.length} and ${r3.length} sweep prompts`);
    assert.ok(r1.every((p) => /Level: (beginner|intermediate|expert)/.test(p)));
    assert.ok(r3.every((p) => /Level: (intro|practitioner|specialist)/.test(p)));
    assert.ok(!r3.some((p) => /medicine|finance|philosophy/.test(p)));
  });
});

/** Lower-cased word trigrams (digits folded) that recur in at least three prompts: a source's template skeleton. */
function skeleton(prompts: readonly string[]): Set<string> {
  const seenIn = new Map<string, number>();
  for (const p of prompts) {
    const words = p.toLowerCase().replace(/\d+/g, '0').split(/\s+/).filter(Boolean);
    const grams = new Set<string>();
    for (let i = 0; i + 2 < words.length; i++) grams.add(words.slice(i, i + 3).join(' '));
    for (const g of grams) seenIn.set(g, (seenIn.get(g) ?? 0) + 1);
  }
  return new Set([...seenIn].filter(([, n]) => n >= 3).map(([g]) => g));
}

describe('held-out variant r4', () => {
  const options = { ...SMALL, seed: 5, variant: 'r4', promptMode: 'both' } satisfies RandomisedOptions;
  /** Prompts of each segment and attack (attack keys from their campaign start), the generator's own grammars. */
  const promptsOf = (variant: VariantName) => {
    const d = randomisedDataset({
      ...SMALL,
      hours: 4,
      benignKeys: 300,
      attackScale: 0.5,
      variant,
      humanPrompts: 'none',
    });
    const truth = new Map(d.truth.keys.map((k) => [k.api_key_id, k]));
    const out = new Map<string, string[]>();
    for (const { ts, event } of d.timedEvents) {
      const k = truth.get(event.api_key_id)!;
      if (k.campaign_start && ts < Date.parse(k.campaign_start)) continue;
      const list = out.get(k.archetype) ?? [];
      if (list.length < 300) list.push(event.prompt_text!);
      out.set(k.archetype, list);
    }
    return out;
  };

  it('is deterministic for a seed and differs from r3 with the same seed', () => {
    const r4 = randomisedDataset(options);
    assert.equal(r4.name, 'randomised/r4 seed 5');
    assert.equal(digest(randomisedDataset(options).timedEvents), digest(r4.timedEvents));
    assert.equal(digest(r4.timedEvents), digest(r4.timedEvents));
    assert.deepEqual(randomisedDataset(options).truth, r4.truth);
    const r3 = randomisedDataset({ ...options, variant: 'r3' });
    assert.notEqual(digest(r3.timedEvents), digest(r4.timedEvents));
    groundTruthSchema.parse(r4.truth);
    assert.ok(r4.truth.keys.every((k) => k.variant === 4));
    const texts = (d: typeof r4) => new Set([...d.timedEvents].map((t) => t.event.prompt_text));
    const r3Texts = texts(r3);
    const shared = [...texts(r4)].filter((t) => r3Texts.has(t));
    // Only human turns may repeat (the same ShareGPT slice feeds both variants); generated prompts never do.
    const humans = loadHumanPrompts('tune', TURNS_FIXTURE);
    assert.ok(humans.ok);
    assert.ok(shared.length > 0 && shared.every((t) => humans.prompts.includes(t!)), shared.join(' / '));
  });

  it('has its own template skeleton for every segment and attack: almost no recurring trigram of r1–r3', () => {
    const r4 = promptsOf('r4');
    const earlier = (['r1', 'r2', 'r3'] as const).map(promptsOf);
    assert.deepEqual(
      [...r4.keys()].sort(),
      [...RANDOMISED_BENIGN_SEGMENTS, ...ATTACK_ARCHETYPES].sort(),
      'every segment and attack sends prompts',
    );
    for (const [archetype, prompts] of r4) {
      const mine = skeleton(prompts);
      const theirs = new Set(earlier.flatMap((v) => [...skeleton(v.get(archetype) ?? [])]));
      const shared = [...mine].filter((g) => theirs.has(g));
      assert.ok(mine.size >= 20, `${archetype}: ${mine.size} recurring trigrams`);
      assert.ok(shared.length / mine.size <= 0.05, `${archetype}: ${shared.length} of ${mine.size} trigrams shared`);
    }
    // The measure can see shared templates: r2 reuses r1's document, chat and coding grammars.
    const r2 = earlier[1]!;
    for (const archetype of ['document_generation', 'small_user', 'coding_assistant']) {
      const mine = skeleton(r2.get(archetype)!);
      const r1 = skeleton(earlier[0]!.get(archetype)!);
      const shared = [...mine].filter((g) => r1.has(g)).length;
      assert.ok(shared / mine.size > 0.5, `r2 ${archetype}: ${shared} of ${mine.size} trigrams shared with r1`);
    }
  });
});

/** Pearson chi-square of two samples over categories; bins with a small expected count are merged. */
function chiSquare(a: string[], b: string[]): { stat: number; df: number } {
  const cats = [...new Set([...a, ...b])];
  const count = (xs: string[], c: string) => xs.filter((x) => x === c).length;
  const bins: [number, number][] = [];
  let pending: [number, number] = [0, 0];
  for (const c of cats.sort((x, y) => count(b, y) + count(a, y) - count(b, x) - count(a, x))) {
    pending = [pending[0] + count(a, c), pending[1] + count(b, c)];
    if (((pending[0] + pending[1]) * Math.min(a.length, b.length)) / (a.length + b.length) >= 5) {
      bins.push(pending);
      pending = [0, 0];
    }
  }
  if (pending[0] + pending[1] > 0 && bins.length > 0)
    bins[bins.length - 1] = [bins.at(-1)![0] + pending[0], bins.at(-1)![1] + pending[1]];
  let stat = 0;
  for (const [x, y] of bins) {
    const total = x + y;
    const ex = (total * a.length) / (a.length + b.length);
    const ey = (total * b.length) / (a.length + b.length);
    stat += (x - ex) ** 2 / ex + (y - ey) ** 2 / ey;
  }
  return { stat, df: Math.max(1, bins.length - 1) };
}

/** Chi-square critical value at p = 0.001 (Wilson–Hilferty). */
function critical(df: number): number {
  const z = 3.09;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

for (const variant of VARIANTS)
  describe(`domain randomisation (${variant})`, () => {
    const o = randomisedOptionsSchema.parse({
      hours: 48,
      benignKeys: 3000,
      attackScale: 5,
      humanPrompts: 'none',
      variant,
    });
    const { plans } = buildPopulation(o, null);
    const orgSize = new Map<string, number>();
    for (const p of plans) orgSize.set(p.truth.org_id, (orgSize.get(p.truth.org_id) ?? 0) + 1);
    const ageClass = (days: number) =>
      days < 0 ? 'in-span' : days < 7 ? 'week' : days < 60 ? 'months' : days < 365 ? 'year' : 'years';
    const sizeClass = (n: number) => (n === 1 ? '1' : n <= 3 ? '2-3' : n <= 12 ? '4-12' : '13+');
    const ATTRIBUTES: Record<string, (p: (typeof plans)[number]) => string> = {
      network: (p) => p.context.networkType,
      egress: (p) => p.context.egress,
      billing: (p) => p.context.billingCountry,
      foreignRegion: (p) => String(p.context.regionCountry !== p.context.billingCountry),
      travel: (p) => String(p.context.travelShare > 0),
      keyAge: (p) => ageClass(p.context.keyAgeDays),
      keysPerOrg: (p) => sizeClass(orgSize.get(p.truth.org_id)!),
      sdk: (p) => p.context.userAgents[0]!.split('/')[0]!,
    };
    const benign = plans.filter((p) => p.truth.label === 'benign');
    const attack = plans.filter((p) => p.truth.label === 'attack');

    it('draws every non-behavioural attribute of attack keys from the benign distribution', () => {
      assert.ok(attack.length >= 300, `${attack.length} attack keys`);
      const heavy = benign.filter((p) => p.truth.archetype !== 'small_user');
      const light = benign.filter((p) => p.truth.archetype === 'small_user');
      for (const [name, of] of Object.entries(ATTRIBUTES)) {
        for (const [label, other] of [
          ['benign', benign],
          ['heavy benign', heavy],
          ['light benign', light],
        ] as const) {
          const { stat, df } = chiSquare(other.map(of), attack.map(of));
          assert.ok(
            stat < critical(df),
            `${name} vs ${label}: chi2 ${stat.toFixed(1)} ≥ ${critical(df).toFixed(1)} (df ${df})`,
          );
        }
      }
    });

    it('spreads both classes over every network type, fresh and aged keys, and large orgs', () => {
      for (const group of [benign, attack]) {
        assert.equal(new Set(group.map(ATTRIBUTES.network!)).size, 5);
        assert.equal(new Set(group.map(ATTRIBUTES.keyAge!)).size, 5);
        assert.ok(group.some((p) => orgSize.get(p.truth.org_id)! >= 20));
      }
    });

    it('has the power to see a real difference (segments with different leanings are told apart)', () => {
      const of = ATTRIBUTES.network!;
      const serverless = benign.filter((p) => p.truth.archetype === 'serverless_app');
      const travelling = benign.filter((p) => p.truth.archetype === 'travelling_staff');
      const { stat, df } = chiSquare(serverless.map(of), travelling.map(of));
      assert.ok(stat > critical(df), `chi2 ${stat.toFixed(1)} should exceed ${critical(df).toFixed(1)}`);
    });
  });

describe('randomisedDataset stress regimes', () => {
  const base = { ...SMALL, seed: 9, attackScale: 0.2 } satisfies RandomisedOptions;
  const totals = (options: RandomisedOptions) => {
    let events = 0;
    let output = 0;
    for (const { event } of randomisedDataset(options).timedEvents) {
      events++;
      output += (event as { output_tokens: number }).output_tokens;
    }
    return { events, outputPerEvent: output / events };
  };
  const plain = totals(base);

  it('scales every key’s outputs with outScale and its rates with rateScale, and says so in the name', () => {
    const verbose = totals({ ...base, outScale: 2 });
    const busy = totals({ ...base, rateScale: 2 });
    const ratio = verbose.outputPerEvent / plain.outputPerEvent;
    assert.ok(ratio > 1.7 && ratio < 2.3, `outputs ×${ratio.toFixed(2)} with outScale 2`);
    const rate = busy.events / plain.events;
    assert.ok(rate > 1.6 && rate < 2.4, `events ×${rate.toFixed(2)} with rateScale 2`);
    assert.equal(
      randomisedDataset({ ...base, outScale: 2, rateScale: 1.5 }).name,
      'randomised/r1 seed 9 (outputs ×2, rates ×1.5)',
    );
  });

  it('leaves the variant’s own regime untouched at 1 and refuses scales outside 0.1–10', () => {
    assert.equal(
      digest(randomisedDataset({ ...base, outScale: 1, rateScale: 1 }).timedEvents),
      digest(randomisedDataset(base).timedEvents),
    );
    assert.throws(() => randomisedOptionsSchema.parse({ outScale: 0 }));
    assert.throws(() => randomisedOptionsSchema.parse({ rateScale: 11 }));
    assert.equal(
      digest(randomisedDataset({ ...base, segmentJitter: 0 }).timedEvents),
      digest(randomisedDataset(base).timedEvents),
    );
    assert.throws(() => randomisedOptionsSchema.parse({ segmentJitter: -0.1 }));
  });

  it('jitters each segment’s outputs on its own with segmentJitter, the same way for the same seed', () => {
    const bySegment = (options: RandomisedOptions) => {
      const ds = randomisedDataset(options);
      const segment = new Map(ds.truth.keys.map((k) => [k.api_key_id, k.archetype]));
      const sums = new Map<string, { out: number; n: number }>();
      for (const { event } of ds.timedEvents) {
        const e = event as { api_key_id: string; output_tokens: number };
        const s = segment.get(e.api_key_id)!;
        const acc = sums.get(s) ?? { out: 0, n: 0 };
        acc.out += e.output_tokens;
        acc.n++;
        sums.set(s, acc);
      }
      return new Map([...sums].map(([s, { out, n }]) => [s, out / n]));
    };
    const plainSegments = bySegment(base);
    const jittered = bySegment({ ...base, segmentJitter: 0.6 });
    const ratios = [...jittered]
      .filter(([s]) => plainSegments.has(s))
      .map(([s, out]) => Math.log(out / plainSegments.get(s)!));
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const spread = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / ratios.length);
    // One log-normal draw per segment (sigma 0.6): segments move apart, not all by one factor.
    assert.ok(spread > 0.2, `log output ratios across segments spread ${spread.toFixed(2)}`);
    assert.equal(
      digest(randomisedDataset({ ...base, segmentJitter: 0.6 }).timedEvents),
      digest(randomisedDataset({ ...base, segmentJitter: 0.6 }).timedEvents),
    );
    assert.equal(
      randomisedDataset({ ...base, segmentJitter: 0.6 }).name,
      'randomised/r1 seed 9 (segments jittered σ 0.6)',
    );
  });
});
