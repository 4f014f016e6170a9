import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evalReportSchema } from '../../../services/eval/report-schema.ts';
import { runEval } from '../../../services/eval/run-eval.ts';

describe('eval end to end (tiny dataset)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dg-eval-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const options = { seed: 5, hours: 1.5, keysScale: 0.08, promptMode: 'text' as const, command: 'test' };
  const result = await runEval({ ...options, outDir: dir });

  it('writes the markdown report, the JSON summary and three PNG plots', async () => {
    assert.deepEqual(result.files, ['eval.md', 'eval.json', 'eval-pr.png', 'eval-ttd.png', 'eval-ttd-archetypes.png']);
    const json = evalReportSchema.parse(JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')));
    assert.deepEqual(json, result.report);
    for (const png of result.files.filter((f) => f.endsWith('.png'))) {
      const bytes = await readFile(join(dir, png));
      assert.equal(bytes.toString('latin1', 1, 4), 'PNG');
    }
    const md = await readFile(join(dir, 'eval.md'), 'utf8');
    assert.match(md, /## Targets/);
    assert.match(md, /\| DistillGuard \|/);
  });

  it('evaluates the detector and both baselines over the same keys', () => {
    const { dataset, systems, targets } = result.report;
    assert.deepEqual(
      systems.map((s) => s.name),
      ['DistillGuard', 'rate limit', 'isolation forest'],
    );
    assert.ok(dataset.events > 500 && dataset.attack_keys > 0 && dataset.benign_keys > dataset.attack_keys);
    for (const s of systems) {
      const attackKeys = Object.values(s.attacks).reduce((n, a) => n + a.keys, 0);
      const benignKeys = Object.values(s.benign).reduce((n, b) => n + b.keys, 0);
      assert.deepEqual([attackKeys, benignKeys], [dataset.attack_keys, dataset.benign_keys]);
    }
    assert.equal(targets.length, 6);
  });

  it('is deterministic apart from timing', async () => {
    const again = await runEval({ ...options, outDir: null });
    assert.deepEqual(again.report.systems, result.report.systems);
  });
});
