import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serviceFiles, sharedBasenames } from './unique-basenames.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('no two files under services/ share a basename (one name per concept; index.ts, the entry point of a folder, excepted)', () => {
  const files = serviceFiles(ROOT);
  assert.ok(files.length > 100, `found only ${files.length} files under services/`);
  assert.deepEqual(sharedBasenames(files), [], 'rename so each name says what it is');
});

test('the check reports a basename two folders share, and lets index.ts (the entry point of a folder) repeat', () => {
  assert.deepEqual(
    sharedBasenames([
      'services/actions/key-state.ts',
      'services/detector/state/key-state.ts',
      'services/coordination/index.ts',
      'services/simulator/index.ts',
      'services/ml/prng.ts',
    ]),
    [{ name: 'key-state.ts', paths: ['services/actions/key-state.ts', 'services/detector/state/key-state.ts'] }],
  );
});
