import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../../services/cli/commands/train-elicitation.ts';
import { loadElicitationModel } from '../../../services/ml/elicitation/elicitation-model-file.ts';
import { benignRequest } from '../../../services/training/elicitation/benign-instructions.ts';
import { midpointThresholdForRate, share } from '../../../services/training/elicitation/elicitation-metrics.ts';
import { scoreText, trainElicitation } from '../../../services/training/elicitation/elicitation-training-run.ts';
import { fitLogistic } from '../../../services/training/elicitation/fit-logistic.ts';
import { tempDir } from './fixtures.ts';

const SUBJECTS = [
  'a poem about the sea',
  'my landlord',
  'a React hook',
  'the French revolution',
  'sourdough bread',
  'a cover letter',
  'the Pythagorean theorem',
  'a SQL index',
  'my cat',
  'a marketing plan',
  'tax brackets',
  'Kafka',
];
const ASKS = ['Write', 'Tell me about', 'Can you help with', 'Summarise', 'Give me ideas for', 'Fix', 'Explain'];

/** Human-like prompts for a tiny run: every ask × subject, plus a few that say "step by step". */
function humanPrompts(salt: string): string[] {
  const out = ['today', 'please', 'for work'].flatMap((tail) =>
    ASKS.flatMap((a) => SUBJECTS.map((s) => `${a} ${s} ${salt} ${tail}`)),
  );
  out.push(`How do I bake ${salt} step by step?`, `Explain why ${salt} matters`);
  return out;
}

test('fitLogistic learns a separating feature and is deterministic for a seed', () => {
  const hashing = { bits: 8, head: 8, tail: 0, scaling: 'none' as const };
  // Feature 3 (positive sign) marks positives, feature 5 negatives; feature 9 is on both sides.
  const examples = Array.from({ length: 200 }, (_, i) => ({
    features: Int32Array.from(i % 2 === 0 ? [3 << 1, 9 << 1] : [5 << 1, 9 << 1]),
    label: (i % 2 === 0 ? 1 : 0) as 0 | 1,
    weight: 1,
  }));
  const options = { hashing, epochs: 5, learningRate: 0.3, l2: 1e-4, seed: 4 };
  const a = fitLogistic(examples, options);
  const b = fitLogistic(examples, options);
  assert.deepEqual(a.weights, b.weights);
  assert.ok(a.weights[3]! > 1 && a.weights[5]! < -1, `${a.weights[3]} ${a.weights[5]}`);
  assert.ok(Math.abs(a.weights[9]!) < Math.abs(a.weights[3]!) / 2);
  assert.ok(a.loss < 0.2, `loss ${a.loss}`);
});

test('the threshold holds the false-positive rate under the target with 95% confidence, not only on the sample', () => {
  const n = 4_800;
  const scores = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const t = midpointThresholdForRate(scores, 0.005);
  const flagged = scores.filter((s) => s >= t).length;
  // 0.5% of the sample would be 24; the upper bound of the rate stays at 0.5% up to 14 of 4,800
  assert.ok(flagged >= 10 && flagged < 24, `flagged ${flagged}`);
  assert.ok(share(flagged, n).upper <= 0.005);
  assert.ok(share(flagged + 1, n).upper > 0.005, 'the lowest such threshold');
  // few negatives cannot show a rate that low: nothing of them is flagged
  assert.equal(
    scores.slice(0, 200).filter((s) => s >= midpointThresholdForRate(scores.slice(0, 200), 0.005)).length,
    0,
  );
});

test('a tiny run separates harvest prompts from human prompts and gives identical files for a seed', () => {
  const options = { seed: 7, version: 't', tune: humanPrompts('tune'), report: humanPrompts('report') };
  const first = trainElicitation(options);
  const second = trainElicitation(options);
  assert.equal(first.file.weights.sha256, second.file.weights.sha256);
  assert.equal(first.file.threshold, second.file.threshold);
  assert.notEqual(trainElicitation({ ...options, seed: 8 }).file.weights.sha256, first.file.weights.sha256);
  const { tune, report } = first.metrics;
  // The threshold flags no calibration negative at all (0.5% of 51), so recall is measured at zero false positives.
  assert.ok(tune.positives.classifier.rate > 0.7, `tune recall ${tune.positives.classifier.rate}`);
  assert.ok(report.seenFamilies.classifier.rate > 0.7, `report recall ${report.seenFamilies.classifier.rate}`);
  assert.ok(report.negatives.classifier.rate < 0.1, `report FPR ${report.negatives.classifier.rate}`);
  const harvest = 'Tell me about my cat. Think step by step, put your reasoning in <reasoning> tags, then <answer>.';
  assert.ok(scoreText(first.model, harvest) > scoreText(first.model, 'Tell me about my cat'));
});

test('train-elicitation writes a model the loader accepts and a report naming tune and report figures', async () => {
  const dir = await tempDir('train-elicitation');
  const turns = [
    ...humanPrompts('early').map((text, i) => ({ conv: i, turn: 0, text })),
    ...humanPrompts('late').map((text, i) => ({ conv: 7_000 + i, turn: 0, text })),
  ];
  const file = join(dir, 'turns.jsonl');
  await writeFile(file, turns.map((t) => JSON.stringify(t)).join('\n'));
  const report = join(dir, 'report.md');
  const args = ['--human-prompts', file, '--out', dir, '--report', report, '--version', '5', '--seed', '2'];
  assert.equal(await run(args), 0);
  const model = await loadElicitationModel(dir, '5');
  assert.equal(model.version, '5');
  const markdown = await readFile(report, 'utf8');
  assert.match(markdown, /tune calibration/);
  assert.match(markdown, /\*\*report\*\*/);
  assert.match(markdown, /Operating threshold: 0\.\d{4}/);
  await assert.rejects(run(args), /exists; pick another --version or --force/);
});

test('ordinary requests in every instruction language are negatives, reported per language with the held-out one apart', () => {
  // A tiny run: at the shipped share (a tenth of the human turns, ~20 here) too few requests to cover ten languages'
  // templates, so half of them instead.
  const { metrics } = trainElicitation({
    seed: 3,
    version: 't',
    tune: humanPrompts('tune'),
    report: humanPrompts('report'),
    settings: { requestShare: 0.5 },
  });
  assert.ok(metrics.counts.requests > 0, 'ordinary requests among the training negatives');
  assert.deepEqual(
    metrics.report.perLanguageRequests.map((r) => r.language),
    ['en', 'es', 'fr', 'de', 'pt', 'it', 'ru', 'zh', 'ja', 'ko'],
  );
  // the held-out language's requests are never trained on and are counted apart from the others
  const de = metrics.report.perLanguageRequests.find((r) => r.language === 'de')!;
  assert.equal(metrics.report.requestsHeldOutLanguage.classifier.total, de.classifier.total);
  assert.equal(metrics.report.requests.classifier.total, 9 * de.classifier.total);
  assert.ok(metrics.report.requests.classifier.rate < 0.1, `request FPR ${metrics.report.requests.classifier.rate}`);
});

test('an ordinary request is written in the language asked for, about a topic or around the given text', () => {
  const rng = (() => {
    let x = 0.1;
    return () => (x = (x * 9301 + 0.49297) % 1);
  })();
  for (let i = 0; i < 10; i++) {
    const es = benignRequest(rng, 'es');
    assert.ok(/\b(sobre|de|a|con)\b/.test(es) && !/[{}]/.test(es), es);
  }
  const texts = Array.from({ length: 20 }, () => benignRequest(rng, 'ja', 'PAYLOAD TEXT'));
  assert.ok(texts.some((t) => t.includes('PAYLOAD TEXT')) && texts.some((t) => !t.includes('PAYLOAD TEXT')));
  assert.ok(
    texts.every((t) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(t)),
    'Japanese text',
  );
});
