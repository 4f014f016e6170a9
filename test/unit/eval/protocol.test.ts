import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { fullPlan, reportSpecs, smallPlan, specRole } from '../../../services/eval/datasets/catalogue.ts';
import { classicDataset } from '../../../services/eval/datasets/classic.ts';
import { assertTuningDataset, datasetRole, PROTOCOL_TEXT } from '../../../services/eval/protocol.ts';

const randomised = (variant: string, seed: number, slice = 'tune') => ({
  family: 'randomised' as const,
  variant,
  seed,
  name: `randomised/${variant} seed ${seed}`,
  humanPrompts: { slice },
});

describe('evaluation protocol', () => {
  it('assigns roles by family, variant and seed', () => {
    assert.equal(datasetRole(randomised('r1', 3)), 'tuning');
    assert.equal(datasetRole(randomised('r2', 999)), 'tuning');
    assert.equal(datasetRole(randomised('r1', 1000)), 'in_distribution');
    assert.equal(datasetRole(randomised('r1', 5, 'report')), 'held_out');
    assert.equal(datasetRole({ ...randomised('r2', 5), humanPrompts: null }), 'tuning');
    assert.equal(datasetRole(randomised('r9', 1)), 'held_out');
    assert.equal(datasetRole({ family: 'classic', variant: '0,1,2', seed: 2026, name: 'c' }), 'in_distribution');
    assert.equal(datasetRole({ family: 'classic', variant: '0,1,2', seed: 7, name: 'c' }), 'tuning');
  });

  it('holds out r4 at every seed and tunes on r3 since it was read for diagnosis (2026-12-03)', () => {
    for (const seed of [1, 999, 1001]) {
      assert.equal(datasetRole(randomised('r4', seed)), 'held_out', `r4 seed ${seed}`);
      assert.equal(datasetRole(randomised('r4-nohuman', seed)), 'held_out', `r4-nohuman seed ${seed}`);
    }
    assert.equal(datasetRole(randomised('r3', 3)), 'tuning');
    assert.equal(datasetRole(randomised('r3-nohuman', 999)), 'tuning');
    assert.equal(datasetRole(randomised('r3', 1001, 'report')), 'in_distribution');
    assert.equal(datasetRole(randomised('r3', 5, 'report')), 'held_out');
    assert.match(PROTOCOL_TEXT[0]!, /randomised r1, r2, r3 with seeds < 1000 \(r3 since 2026-12-03/);
    assert.match(PROTOCOL_TEXT[1]!, /^HELD OUT .*randomised r4 at any seed/);
  });

  it('lets tuning code read tuning data and refuses everything else with a coded error', () => {
    assert.doesNotThrow(() => assertTuningDataset(randomised('r2', 12)));
    assert.doesNotThrow(() => assertTuningDataset(randomised('r3', 13)));
    assert.doesNotThrow(() => assertTuningDataset(classicDataset({ seed: 7, hours: 1, keysScale: 0.05 })));
    for (const ds of [
      randomised('r4', 1),
      randomised('r4-nohuman', 14),
      randomised('r3', 1001),
      randomised('r1', 1000),
      classicDataset({ seed: 2026, hours: 1 }),
    ]) {
      assert.throws(
        () => assertTuningDataset(ds),
        (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_FORBIDDEN' && e.message.includes(ds.name),
      );
    }
  });

  it('reports on held-out r4 seed 1001 at full size and in the small plan, never tuning on it', () => {
    const [heldOut] = fullPlan().report;
    assert.deepEqual(heldOut, {
      family: 'randomised',
      variant: 'r4',
      seed: 1001,
      hours: 48,
      benignKeys: 5_000,
      humanPrompts: 'report',
    });
    for (const plan of [fullPlan(), smallPlan()]) {
      assert.deepEqual(
        plan.report.map(specRole),
        ['held_out', 'in_distribution', 'in_distribution'],
        'held-out r4 first, then r1 seed 1000 and classic seed 2026',
      );
      assert.ok(plan.tuning.every((s) => specRole(s) === 'tuning'));
      assert.ok(plan.report.some((s) => s.family === 'classic') && plan.report.some((s) => s.family === 'randomised'));
    }
  });

  it('builds --datasets ids of every variant with the slice the protocol needs, and refuses unknown ones', () => {
    const [r4, r3, r3Report] = reportSpecs('r4:7,r3:7,r3:1001', fullPlan(), {});
    assert.equal(r4?.family === 'randomised' && r4.humanPrompts, 'report');
    assert.equal(r3?.family === 'randomised' && r3.humanPrompts, 'tune');
    assert.equal(r3Report?.family === 'randomised' && r3Report.humanPrompts, 'report');
    assert.equal(specRole(r4!), 'held_out');
    assert.equal(specRole(r3!), 'tuning');
    assert.throws(() => reportSpecs('r9:1', fullPlan(), {}), /expected classic:SEED or r1\|r2\|r3\|r4:SEED/);
  });
});
