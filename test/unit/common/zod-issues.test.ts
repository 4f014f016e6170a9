import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { describeIssues } from '../../../services/common/zod-issues.ts';

const schema = z.object({ limit: z.number().max(10), rules: z.array(z.object({ action: z.string() })) });

function errorOf(result: { success: boolean; error?: z.ZodError }): z.ZodError {
  assert.ok(result.error, 'the value should have been refused');
  return result.error;
}

test('every issue is listed on one line, each starting with its field path', () => {
  const text = describeIssues(errorOf(schema.safeParse({ limit: 11, rules: [{ action: 'x' }, { action: 3 }] })));
  const parts = text.split('; ');
  assert.equal(parts.length, 2);
  assert.match(parts[0] ?? '', /^limit: /);
  assert.match(parts[1] ?? '', /^rules\.1\.action: /);
  assert.doesNotMatch(text, /\n/);
});

test('paths can be placed under a prefix, and a problem with the whole value is marked (root)', () => {
  assert.match(describeIssues(errorOf(schema.safeParse({ limit: 'a', rules: [] })), ['query']), /^query\.limit: /);
  assert.match(describeIssues(errorOf(z.string().safeParse(1))), /^\(root\): /);
});

test('maxIssues keeps only the first issues (a dead-letter reason names at most five)', () => {
  const text = describeIssues(errorOf(schema.safeParse({ limit: 11, rules: [{ action: 1 }, { action: 2 }] })), [], 2);
  assert.deepEqual(
    text.split('; ').map((part) => part.split(':')[0]),
    ['limit', 'rules.0.action'],
  );
});
