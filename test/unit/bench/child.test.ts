import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractResult, RESULT_MARKER } from '../../../bench/lib/child.ts';

test('the last result line wins and other output is ignored', () => {
  const stdout = `progress\n${RESULT_MARKER}{"n":1}\nsummary: 3 alerts\n${RESULT_MARKER}{"n":2}\n`;
  assert.deepEqual(extractResult(stdout), { n: 2 });
  assert.throws(() => extractResult('no result here\n'), /no result line/);
});
