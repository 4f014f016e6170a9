import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { withConfigTable } from '../../../services/cli/commands/docs.ts';

test('README configuration table matches the config schemas (run `make docs` when this fails)', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  assert.equal(readme, withConfigTable(readme));
});
