import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { test } from 'node:test';
import { BUNDLED_MODELS_DIR, mlEnv } from '../../../services/common/config/ml.ts';

test('by default the bundled models/ folder is used, wherever the command starts from', () => {
  const { modelsDir } = mlEnv.parse({});
  assert.equal(modelsDir, BUNDLED_MODELS_DIR);
  assert.ok(isAbsolute(modelsDir));
  assert.ok(existsSync(join(modelsDir, 'README.md')), `${modelsDir} is the repository's models/ folder`);
});

test('a relative DG_MODELS_DIR is taken from the working directory, an absolute one as it is', () => {
  assert.equal(mlEnv.parse({ DG_MODELS_DIR: 'my-models' }).modelsDir, resolve('my-models'));
  assert.equal(mlEnv.parse({ DG_MODELS_DIR: '/srv/dg/models' }).modelsDir, '/srv/dg/models');
});
