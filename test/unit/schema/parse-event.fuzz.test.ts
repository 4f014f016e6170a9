import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEvent } from '../../../schemas/parse-event.ts';
import { fuzzCases, tenMegabyteMessage } from '../../fuzz/event-cases.ts';

const CASES = Number(process.env.DG_FUZZ_CASES ?? 100_000);
const REASON = /^(empty|too_large|bad_utf8|bad_json|not_object|invalid): ./;

test(`parser fuzz: ${CASES} hostile messages never throw; every rejection carries a coded reason`, () => {
  const heapBefore = process.memoryUsage().heapUsed;
  const reasons = new Map<string, number>();
  let accepted = 0;
  for (const raw of fuzzCases(20_261_122, CASES)) {
    const result = parseEvent(raw);
    if (result.ok) {
      accepted++;
      continue;
    }
    assert.match(result.reason, REASON);
    assert.ok(result.reason.length < 4_000, 'reasons stay short even for huge inputs');
    const code = result.reason.slice(0, result.reason.indexOf(':'));
    reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  for (const code of ['bad_json', 'not_object', 'invalid', 'too_large']) assert.ok(reasons.get(code), `saw ${code}`);
  assert.ok(accepted < CASES / 2, 'most hostile cases are rejected');
  const growth = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(growth < 256 * 1024 * 1024, `heap grew by ${growth} bytes`);
});

test('a 10 MB message is refused by size', () => {
  const result = parseEvent(tenMegabyteMessage());
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, /^too_large: 10485760 bytes/);
});
