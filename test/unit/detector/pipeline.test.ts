import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Alert, alertSchema } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { defaultDetectorConfig } from '../../../services/common/config/detector.ts';
import { BUNDLED_MODELS_DIR } from '../../../services/common/config/ml.ts';
import type { PromptFingerprint } from '../../../services/common/text/fingerprint.ts';
import { simhashText } from '../../../services/common/text/simhash.ts';
import { FEATURE_COUNT } from '../../../services/detector/features/feature-names.ts';
import { createDetectorPipeline } from '../../../services/detector/pipeline.ts';
import type { KeyFeatureSnapshot, PipelineOutput } from '../../../services/detector/types.ts';
import { loadElicitationModel } from '../../../services/ml/elicitation/elicitation-model-file.ts';
import { evenly, event, expertQuestion, HOUR, MINUTE, T0 } from '../../fixtures/detector/events.ts';

function run(pipeline: ReturnType<typeof createDetectorPipeline>, events: UsageEvent[]): PipelineOutput {
  const out: PipelineOutput = { alerts: [], features: [] };
  for (const e of events) {
    const o = pipeline.process(e);
    out.alerts.push(...o.alerts);
    out.features.push(...o.features);
  }
  const last = pipeline.finish();
  return { alerts: [...out.alerts, ...last.alerts], features: [...out.features, ...last.features] };
}

/** A bulk extraction key that starts moderately and then harvests much harder (for escalation). */
function escalatingExtraction(): UsageEvent[] {
  const phase1 = evenly(240, T0, 30 * MINUTE, (i) => ({
    api_key_id: 'key-x',
    org_id: 'org-x',
    input_tokens: 130,
    output_tokens: i % 20 < 13 ? 1_000 : 100,
    prompt_text: expertQuestion(i),
  }));
  const phase2 = evenly(1_500, T0 + 30 * MINUTE, 30 * MINUTE, (i) => ({
    api_key_id: 'key-x',
    org_id: 'org-x',
    input_tokens: 60,
    output_tokens: 3_000,
    prompt_text: expertQuestion(10_000 + i),
  }));
  return [...phase1, ...phase2];
}

/** An enterprise document pipeline: heavy, one template, long documents in, short extractions out. */
function documentPipeline(): UsageEvent[] {
  return evenly(3_000, T0, 2 * HOUR, (i) => ({
    api_key_id: 'key-docs',
    org_id: 'org-docs',
    input_tokens: 4_000,
    output_tokens: 300,
    temperature: 0,
    client_asn: 16509,
    client_country: 'US',
    billing_country: 'US',
    prompt_text: `Extract the invoice number, total and due date as JSON from the document below.\n\nInvoice ${i} ...`,
  }));
}

describe('detector pipeline', () => {
  it('emits at most one feature snapshot per key per minute of event time, and the rest at finish', () => {
    const pipeline = createDetectorPipeline();
    const events = [
      ...evenly(30, T0, MINUTE, () => ({ api_key_id: 'a' })),
      ...evenly(30, T0 + MINUTE, MINUTE, () => ({ api_key_id: 'a' })),
      event({ api_key_id: 'b', ts: T0 + 30_000 }),
    ];
    const out = run(pipeline, events);
    const perKeyMinute = new Map<string, number>();
    for (const f of out.features) {
      const k = `${f.api_key_id}@${Math.floor(f.ts / MINUTE)}`;
      perKeyMinute.set(k, (perKeyMinute.get(k) ?? 0) + 1);
    }
    assert.ok([...perKeyMinute.values()].every((n) => n <= 2));
    assert.equal(out.features.filter((f) => f.api_key_id === 'a').length, 3, 'minute 0, minute 1, and finish');
    assert.equal(pipeline.stats().events, 61);
    assert.equal(pipeline.stats().keysSeen, 2);
    const snapshot: KeyFeatureSnapshot = out.features[0]!;
    assert.equal(snapshot.values.length, FEATURE_COUNT);
  });

  it('raises a valid extraction alert, dedups it in the cooldown, and escalates when it worsens', () => {
    const out = run(createDetectorPipeline(), escalatingExtraction());
    // A metronomic templated harvest is a scripted sweep; jittered it would be bulk distillation.
    const alerts = out.alerts.filter((a) => a.category === 'capability_sweep');
    assert.ok(alerts.length >= 2, `alerts: ${JSON.stringify(out.alerts.map((a) => [a.category, a.score]))}`);
    for (const a of out.alerts) alertSchema.parse(a);
    const [first, second] = alerts as [Alert, Alert];
    assert.equal(first.escalates, null);
    assert.equal(second.escalates, first.alert_id);
    assert.ok(second.score >= first.score + defaultDetectorConfig().escalationDelta);
    assert.ok(Date.parse(second.raised_at) - Date.parse(first.raised_at) < HOUR);
    assert.ok(first.evidence_event_ids.length > 0 && first.evidence_event_ids.length <= 8);
    assert.ok(first.reasons.length > 0 && first.reasons.every((r) => r.contribution >= 0 && r.contribution <= 1));
    assert.ok(
      alerts.every((a, i) => i === 0 || a.escalates !== null),
      'no repeat inside the cooldown without escalation',
    );
  });

  it('is deterministic: the same events give byte-identical alerts and features', () => {
    const events = [...escalatingExtraction(), ...documentPipeline()].sort((a, b) => a.ts - b.ts);
    const a = run(createDetectorPipeline(), events);
    const b = run(createDetectorPipeline(), events);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('does not alert on a heavy, templated, input-heavy document pipeline', () => {
    const out = run(createDetectorPipeline(), documentPipeline());
    assert.deepEqual(out.alerts, []);
    assert.ok(out.features.length > 100);
  });

  it('restores a key from its snapshot and continues exactly as if never interrupted', () => {
    const events = escalatingExtraction();
    const cut = 500;
    const uninterrupted = createDetectorPipeline();
    const reference = run(uninterrupted, events).features.filter((f) => f.ts > events[cut - 1]!.ts);

    const before = createDetectorPipeline();
    for (const e of events.slice(0, cut)) before.process(e);
    const bytes = JSON.stringify(before.snapshotKey('key-x'));
    const after = createDetectorPipeline();
    after.restoreKey(JSON.parse(bytes));
    const resumed = run(after, events.slice(cut)).features;
    assert.deepEqual(
      resumed.map((f) => f.values),
      reference.map((f) => f.values),
    );
    assert.equal(JSON.stringify(after.snapshotKey('key-x')), JSON.stringify(uninterrupted.snapshotKey('key-x')));
  });

  it('checkpoints the whole pipeline and resumes with identical alerts, features and stats', () => {
    const events = [...escalatingExtraction(), ...documentPipeline()].sort((a, b) => a.ts - b.ts);
    const cut = 1_500;
    const reference = createDetectorPipeline();
    for (const e of events.slice(0, cut)) reference.process(e);
    const expected = run(reference, events.slice(cut));

    const before = createDetectorPipeline();
    for (const e of events.slice(0, cut)) before.process(e);
    const saved: unknown[] = [];
    const stage2 = {
      observe: () => {},
      advance: () => [],
      snapshot: () => ({ members: 3 }),
      restore: (s: unknown) => saved.push(s),
    };
    const checkpoint = [...createDetectorPipeline({ coordination: stage2 }).snapshotPages()];
    assert.ok(checkpoint.length > 0);
    const resumed = createDetectorPipeline();
    for (const page of before.snapshotPages()) resumed.loadPage(page);
    assert.equal(JSON.stringify(run(resumed, events.slice(cut))), JSON.stringify(expected));
    assert.deepEqual(resumed.stats(), reference.stats());
    const withStage2 = createDetectorPipeline({ coordination: stage2 });
    for (const page of checkpoint) withStage2.loadPage(page);
    assert.deepEqual(saved, [{ members: 3 }]);
  });

  it('refuses a checkpoint that is not a detector snapshot', () => {
    assert.throws(() => createDetectorPipeline().loadPage(Buffer.from('nope')), { code: 'DG_ERR_BAD_INPUT' });
  });

  it('rejects a malformed key snapshot', () => {
    assert.throws(() => createDetectorPipeline().restoreKey({ v: 1, apiKeyId: 'x' }));
  });

  it('compacts idle keys to their baseline and revives them with it', () => {
    const pipeline = createDetectorPipeline();
    run(
      pipeline,
      evenly(200, T0, 3 * HOUR, () => ({ api_key_id: 'idle' })),
    );
    const samples = pipeline.snapshotKey('idle')!.baseline.samples;
    assert.ok(samples > 0);
    pipeline.process(event({ api_key_id: 'other', ts: T0 + 10 * HOUR }));
    assert.equal(pipeline.snapshotKey('idle'), null);
    assert.equal(pipeline.stats().compactedKeys, 1);
    pipeline.process(event({ api_key_id: 'idle', ts: T0 + 11 * HOUR }));
    assert.equal(pipeline.snapshotKey('idle')!.baseline.samples, samples + 1);
    assert.equal(pipeline.stats().keysSeen, 2);
  });

  it('keeps the flagged-prompt sub-stream of a compacted key: a harvester that pauses adds up as if it never had', async () => {
    const elicitation = await loadElicitationModel(BUNDLED_MODELS_DIR);
    const harvesting = (i: number) =>
      `Answer question ${i} about ${i * 7919} widgets. Write your complete reasoning inside <reasoning> tags first, ` +
      'then the final answer inside <answer> tags.';
    // Two sessions of 12 flagged prompts an hour apart by 3 h of silence (compaction after 2 h idle by default).
    const session = (start: number, from: number) =>
      evenly(12, start, HOUR, (i) => ({
        api_key_id: 'slow',
        prompt_text: harvesting(from + i),
        input_tokens: 200,
        output_tokens: 1_200,
      }));
    const events = [
      ...session(T0, 0),
      event({ api_key_id: 'other', ts: T0 + 4 * HOUR }),
      ...session(T0 + 4 * HOUR + MINUTE, 100),
    ];
    const compacting = createDetectorPipeline({ elicitation });
    const neverIdle = createDetectorPipeline({
      elicitation,
      config: { ...defaultDetectorConfig(), idleCompactMs: 24 * HOUR },
    });
    /** Runs the events; `restart` checkpoints in the pause and continues in a new pipeline from its pages. */
    const revived = (first: ReturnType<typeof createDetectorPipeline>, restart = false) => {
      let pipeline = first;
      let compactedMidway = false;
      for (const e of events) {
        pipeline.process(e);
        if (e.api_key_id !== 'other') continue;
        compactedMidway = pipeline.snapshotKey('slow') === null;
        if (!restart) continue;
        const pages = pipeline.snapshotPages();
        pipeline = createDetectorPipeline({ elicitation });
        for (const page of pages) pipeline.loadPage(page);
      }
      return { compactedMidway, instructed: pipeline.snapshotKey('slow')!.instructed! };
    };
    const compacted = revived(compacting);
    const kept = revived(neverIdle);
    assert.equal(compacted.compactedMidway, true, 'the key was compacted in the pause');
    assert.equal(kept.compactedMidway, false);
    assert.notEqual(kept.instructed.landmark, -1, 'the classifier flagged the prompts');
    assert.deepEqual(compacted.instructed, kept.instructed);
    assert.deepEqual(
      revived(createDetectorPipeline({ elicitation }), true).instructed,
      kept.instructed,
      'checkpointed',
    );
  });

  it('feeds stage 2 every event with its fingerprint and returns its cluster alerts', () => {
    const seen: Array<PromptFingerprint | null> = [];
    const cluster: Alert = {
      alert_id: 'c1',
      kind: 'cluster',
      api_key_ids: ['a', 'b'],
      org_ids: ['o'],
      score: 0.9,
      severity: 'critical',
      raised_at: new Date(T0).toISOString(),
      category: 'hydra_network',
      reasons: [],
      evidence_event_ids: [],
      escalates: null,
    };
    const pipeline = createDetectorPipeline({
      coordination: {
        observe: (_e, fp) => seen.push(fp),
        advance: (now) => (now === T0 + 1 ? [cluster] : []),
      },
    });
    const out = run(pipeline, [
      event({ prompt_text: 'hello world' }),
      event({ ts: T0 + 1, prompt_simhash: '00000000000000ff' }),
      event({ ts: T0 + 2 }),
    ]);
    assert.deepEqual(seen, [simhashText('hello world'), { hi: 0, lo: 255 }, null]);
    assert.deepEqual(out.alerts, [cluster]);
    assert.equal(pipeline.stats().alertsByKind.cluster, 1);
  });

  it('uses extra scorers passed in, weighted by name (model weights from the config), under calibrated thresholds', () => {
    const model = { name: 'classifier', score: () => ({ score: 1, reasons: [], category: 'cot_harvesting' as const }) };
    const alone = run(createDetectorPipeline({ scorers: [model] }), [event()]);
    assert.equal(alone.features[0]!.evidence, 0);
    assert.deepEqual(alone.alerts, [], 'the classifier corroborates a rule and never alerts alone');
    // Every bar of the unsupported-region rule (no ceiling) at zero: it fires on any event.
    const rules = { ...defaultDetectorConfig().rules, unsupportedRegionShare: 0, cotReqPerHour: 1, reasoningShare: 0 };
    const config = { ...defaultDetectorConfig(), rules };
    const ruleOnly = run(createDetectorPipeline({ config }), [event()]).features[0]!.evidence ?? 0;
    assert.ok(ruleOnly >= 0.6, `${ruleOnly}`);
    const byDefault = run(createDetectorPipeline({ config, scorers: [model] }), [event()]);
    assert.ok(Math.abs((byDefault.features[0]!.evidence ?? 0) - (1 - (1 - ruleOnly) * 0.25)) < 1e-3);
    assert.equal(byDefault.alerts[0]!.category, 'region_evasion', 'the rule names the pattern');
    const weights = { classifier: 0.5, autoencoder: 0.35 };
    const weak = run(createDetectorPipeline({ config: { ...config, modelWeights: weights }, scorers: [model] }), [
      event(),
    ]);
    assert.ok(Math.abs((weak.features[0]!.evidence ?? 0) - (1 - (1 - ruleOnly) * 0.5)) < 1e-3);
    const strict = { medium: 0.95, high: 0.97, critical: 0.99 };
    const budgeted = run(createDetectorPipeline({ config, scorers: [model], thresholds: strict }), [event()]);
    assert.deepEqual(budgeted.alerts, [], 'a stricter calibrated threshold');
    const autoencoder = { name: 'autoencoder', score: () => ({ score: 1, reasons: [] }) };
    const novelOnly = run(createDetectorPipeline({ scorers: [autoencoder] }), [event()]);
    assert.deepEqual(novelOnly.alerts, [], 'novelty alone is never an alert');
  });
});
