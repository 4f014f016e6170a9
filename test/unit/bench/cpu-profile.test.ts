import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuProfile, topSelfTime } from '../../../bench/lib/cpu-profile.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

test('self time per function, merged across identical frames, largest first', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('parse', 'file:///repo/schemas/parse-event.ts', 9) },
      { id: 3, callFrame: frame('observe', 'file:///repo/services/detector/state/key-state.ts', 99) },
      { id: 4, callFrame: frame('parse', 'file:///repo/schemas/parse-event.ts', 9) },
      { id: 5, callFrame: frame('', 'node:internal/streams', 4) },
    ],
    samples: [2, 3, 4, 2, 5, 3],
    timeDeltas: [1000, 500, 1000, 2000, 250, 250],
  };
  assert.deepEqual(topSelfTime(profile, 2, '/repo/'), [
    { frame: 'parse (schemas/parse-event.ts:10)', ms: 4, share: 0.8 },
    { frame: 'observe (services/detector/state/key-state.ts:100)', ms: 0.75, share: 0.15 },
  ]);
  assert.equal(topSelfTime(profile, 5).at(-1)!.frame, '(anonymous) (node:internal/streams:5)');
});

test('long names (a regular expression’s source) are cut', () => {
  const regex = `RegExp: (${'step by step|'.repeat(20)})`;
  const profile: CpuProfile = { nodes: [{ id: 1, callFrame: frame(regex) }], samples: [1], timeDeltas: [10] };
  assert.equal(topSelfTime(profile, 1)[0]!.frame, `${regex.slice(0, 60)}…`);
});
