import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EvalPlan } from '../../../services/eval/datasets/catalogue.ts';
import { evalReportSchema } from '../../../services/eval/report-schema.ts';
import { runEval } from '../../../services/eval/run-eval.ts';

/** Tiny datasets of both families, generator prompts only (no ShareGPT file needed). */
const plan: EvalPlan = {
  tuning: [
    { family: 'classic', seed: 7, hours: 1, keysScale: 0.05 },
    { family: 'randomised', variant: 'r1', seed: 11, hours: 1, benignKeys: 40, humanPrompts: 'none' },
  ],
  report: [
    { family: 'randomised', variant: 'r4', seed: 1001, hours: 1, benignKeys: 60, humanPrompts: 'none' },
    { family: 'classic', seed: 2026, hours: 1, keysScale: 0.05 },
  ],
  swap: true,
};

describe('eval end to end (tiny datasets of both families)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dg-eval-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const options = { plan, ml: false, command: 'test' };
  const result = await runEval({ ...options, outDir: dir });
  const { report } = result;

  it('writes the markdown report, the schema-valid JSON and three SVG plots', async () => {
    assert.deepEqual(result.files, ['eval.md', 'eval.json', 'eval-pr.svg', 'eval-ttd.svg', 'eval-ttd-archetypes.svg']);
    const json = evalReportSchema.parse(JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')));
    assert.deepEqual(json, report);
    for (const svg of result.files.filter((f) => f.endsWith('.svg'))) {
      const text = await readFile(join(dir, svg), 'utf8');
      assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*<polyline [\s\S]*<\/svg>\n$/);
    }
    const md = await readFile(join(dir, 'eval.md'), 'utf8');
    assert.match(md, /## Targets \(issue 10\) on held-out data/);
    assert.match(md, /HELD OUT: never used for tuning/);
    assert.match(md, /IN-DISTRIBUTION/);
    assert.match(md, /Swap test/);
    assert.match(md, /!\[eval-pr\.svg\]\(eval-pr\.svg\)/);
  });

  it('tunes only on tuning data and labels every report dataset with its role', () => {
    assert.deepEqual(
      report.tuning.datasets.map((d) => d.role),
      ['tuning', 'tuning'],
    );
    assert.ok(report.tuning.logistic.positives > 0 && report.tuning.logistic.rows > report.tuning.logistic.positives);
    assert.deepEqual(
      report.datasets.map((d) => [d.family, d.role, d.used_for_tuning]),
      [
        ['randomised', 'held_out', false],
        ['classic', 'in_distribution', false],
      ],
    );
  });

  it('scores the detector and all four baselines over the same keys of each dataset', () => {
    for (const ds of report.datasets) {
      assert.deepEqual(
        ds.systems.map((s) => s.name),
        ['DistillGuard without tfjs', 'rate limit', 'isolation forest', 'logistic regression', 'shortcut rule'],
      );
      assert.ok(ds.events > 200 && ds.attack_keys > 0 && ds.benign_keys > 0, ds.name);
      for (const s of ds.systems) {
        const attackKeys = Object.values(s.attacks).reduce((n, a) => n + a.keys, 0);
        const benignKeys = Object.values(s.benign).reduce((n, b) => n + b.keys, 0);
        assert.deepEqual([attackKeys, benignKeys], [ds.attack_keys, ds.benign_keys]);
      }
    }
  });

  it('runs the swap test on held-out data only and judges targets there', () => {
    const [heldOut, inDistribution] = report.datasets;
    assert.equal(inDistribution!.swap, null);
    const swap = heldOut!.swap!;
    assert.equal(swap.pairs, heldOut!.attack_keys);
    assert.deepEqual(
      swap.deltas.map((d) => d.system),
      heldOut!.systems.map((s) => s.name),
    );
    assert.ok(report.targets.length >= 8);
    assert.ok(report.targets.every((t) => t.dataset === heldOut!.name));
  });

  it('gives the same figures with report passes on worker threads', async () => {
    const again = await runEval({ ...options, outDir: null, jobs: 2 });
    assert.deepEqual(
      again.report.datasets.map((d) => [d.systems, d.swap]),
      report.datasets.map((d) => [d.systems, d.swap]),
    );
  });
});
