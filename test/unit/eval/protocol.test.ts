import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { classicDataset } from '../../../services/eval/datasets/classic.ts';
import { assertTuningDataset, datasetRole } from '../../../services/eval/protocol.ts';

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
    assert.equal(datasetRole(randomised('r3', 3)), 'held_out');
    assert.equal(datasetRole(randomised('r3-nohuman', 1001)), 'held_out');
    assert.equal(datasetRole(randomised('r1', 1000)), 'in_distribution');
    assert.equal(datasetRole(randomised('r1', 5, 'report')), 'held_out');
    assert.equal(datasetRole({ ...randomised('r2', 5), humanPrompts: null }), 'tuning');
    assert.equal(datasetRole(randomised('r9', 1)), 'held_out');
    assert.equal(datasetRole({ family: 'classic', variant: '0,1,2', seed: 2026, name: 'c' }), 'in_distribution');
    assert.equal(datasetRole({ family: 'classic', variant: '0,1,2', seed: 7, name: 'c' }), 'tuning');
  });

  it('lets tuning code read tuning data and refuses everything else with a coded error', () => {
    assert.doesNotThrow(() => assertTuningDataset(randomised('r2', 12)));
    assert.doesNotThrow(() => assertTuningDataset(classicDataset({ seed: 7, hours: 1, keysScale: 0.05 })));
    for (const ds of [randomised('r3', 1), randomised('r1', 1000), classicDataset({ seed: 2026, hours: 1 })]) {
      assert.throws(
        () => assertTuningDataset(ds),
        (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_FORBIDDEN' && e.message.includes(ds.name),
      );
    }
  });
});
