import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DistillGuardError } from '../../../services/common/errors.ts';
import { HASHING_SCHEME } from '../../../services/ml/elicitation/elicitation-features.ts';
import {
  type ElicitationFile,
  encodeWeights,
  loadElicitationModel,
  parseElicitationModel,
  writeElicitationModel,
} from '../../../services/ml/elicitation/elicitation-model-file.ts';
import { tempDir } from './fixtures.ts';

const BITS = 8;

function validFile(weights = new Float32Array(2 ** BITS).map((_, i) => Math.sin(i))): ElicitationFile {
  return {
    format: 'distillguard-elicitation/2',
    version: '3',
    hashing: { scheme: HASHING_SCHEME, bits: BITS, head: 16, tail: 16, scaling: 'sqrt' },
    bias: -1.5,
    threshold: 0.7,
    weights: encodeWeights(weights),
    training: {},
  };
}

function assertModelError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DistillGuardError);
    assert.equal(error.code, 'DG_ERR_MODEL');
    assert.match(error.message, pattern);
    return true;
  });
}

test('weights survive the int16 file format within half a quantisation step', () => {
  const weights = new Float32Array(2 ** BITS).map((_, i) => Math.sin(i) * 3);
  const model = parseElicitationModel(validFile(weights), 'f.json');
  const step = validFile(weights).weights.scale;
  for (let i = 0; i < weights.length; i++) assert.ok(Math.abs(model.weights[i]! - weights[i]!) <= step / 2 + 1e-7);
  assert.equal(model.bias, -1.5);
  assert.equal(model.threshold, 0.7);
  assert.deepEqual(model.hashing, { bits: BITS, head: 16, tail: 16, scaling: 'sqrt' });
});

test('the loader refuses a malformed file with the file named and the reason', () => {
  const good = validFile();
  assertModelError(() => parseElicitationModel({ ...good, format: 'other/1' }, 'm.json'), /m\.json .*format/);
  assertModelError(
    () => parseElicitationModel({ ...good, hashing: { ...good.hashing, scheme: 'md5/1' } }, 'm.json'),
    /hashing\.scheme/,
  );
  assertModelError(() => parseElicitationModel({ ...good, threshold: 1.5 }, 'm.json'), /threshold/);
  assertModelError(
    () => parseElicitationModel({ ...good, hashing: { ...good.hashing, scaling: 'cube' } }, 'm.json'),
    /hashing\.scaling/,
  );
  assertModelError(
    () => parseElicitationModel({ ...good, hashing: { ...good.hashing, bits: 9 } }, 'm.json'),
    /weights hold 512 bytes, hashing\.bits 9 needs 1024/,
  );
  const other = encodeWeights(new Float32Array(2 ** BITS).fill(1));
  assertModelError(
    () => parseElicitationModel({ ...good, weights: { ...good.weights, data: other.data } }, 'm.json'),
    /do not match weights\.sha256/,
  );
  assertModelError(() => parseElicitationModel([], 'm.json'), /m\.json is not an elicitation model/);
});

test('models/elicitation/<version>/elicitation.json is found by version and as latest; a bad file is refused', async () => {
  const root = await tempDir('elicitation');
  await writeElicitationModel(join(root, 'elicitation', '2'), { ...validFile(), version: '2' });
  await writeElicitationModel(join(root, 'elicitation', '10'), { ...validFile(), version: '10' });
  assert.equal((await loadElicitationModel(root)).version, '10');
  assert.equal((await loadElicitationModel(root, '2')).version, '2');
  await mkdir(join(root, 'elicitation', '11'));
  await writeFile(join(root, 'elicitation', '11', 'elicitation.json'), '{"format": ');
  await assert.rejects(loadElicitationModel(root), /elicitation\.json is not JSON/);
  await assert.rejects(loadElicitationModel(join(root, 'none')), /no elicitation models under/);
});
