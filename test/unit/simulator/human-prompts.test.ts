import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JsonArrayScanner } from '../../../services/simulator/human-prompts/json-array-scanner.ts';
import { HUMAN_SLICES, humanTurnsPath, loadHumanPrompts } from '../../../services/simulator/human-prompts/loader.ts';
import { emptyCounts, type HumanTurn, humanTurns } from '../../../services/simulator/human-prompts/sharegpt.ts';

const TRUNCATED = readFileSync(new URL('../../fixtures/sharegpt/truncated.json', import.meta.url), 'utf8');
const TURNS_FIXTURE = 'test/fixtures/sharegpt/human-turns.jsonl';

function scanInChunks(text: string, size: number): { objects: unknown[]; scanner: JsonArrayScanner } {
  const scanner = new JsonArrayScanner();
  const objects: unknown[] = [];
  for (let i = 0; i < text.length; i += size) objects.push(...scanner.push(text.slice(i, i + size)));
  return { objects, scanner };
}

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(text: string, size: number, limit?: number) {
  const counts = emptyCounts();
  const turns: HumanTurn[] = [];
  for await (const t of humanTurns(chunksOf(text, size), counts, limit)) turns.push(t);
  return { counts, turns };
}

describe('JsonArrayScanner', () => {
  it('decodes every complete object before the cut, whatever the chunk boundaries', () => {
    const whole = scanInChunks(TRUNCATED, TRUNCATED.length);
    assert.equal(whole.objects.length, 4);
    assert.deepEqual(
      whole.objects.map((o) => (o as { id: string }).id),
      ['a_0', 'b_0', 'c_0', 'd_0'],
    );
    assert.equal(whole.scanner.closed, false);
    assert.equal(whole.scanner.cutMidObject, true);
    for (const size of [1, 2, 7, 64, 1000]) assert.deepEqual(scanInChunks(TRUNCATED, size).objects, whole.objects);
  });

  it('keeps braces, brackets, quotes and backslashes inside strings as text', () => {
    const first = scanInChunks(TRUNCATED, 3).objects[0] as { conversations: { value: string }[] };
    assert.equal(first.conversations[1]!.value, 'Sure: "quoted" and \\ backslash } ] {');
  });

  it('reports a complete array as closed and refuses text that is not an array of objects', () => {
    const done = scanInChunks('[{"a":1}, {"b":[2]}]', 4);
    assert.deepEqual(done.objects, [{ a: 1 }, { b: [2] }]);
    assert.equal(done.scanner.closed, true);
    assert.throws(() => new JsonArrayScanner().push('{"a":1}'), SyntaxError);
    assert.throws(() => new JsonArrayScanner().push('[1, 2]'), SyntaxError);
    assert.throws(() => new JsonArrayScanner().push('["x"]'), SyntaxError);
  });
});

describe('humanTurns', () => {
  it('yields human and user turns with conversation and turn indices, counting what it skips', async () => {
    const { counts, turns } = await collect(TRUNCATED, 5);
    assert.deepEqual(turns, [
      { conv: 0, turn: 0, text: 'Explain step by step how {braces} and [brackets] work' },
      { conv: 1, turn: 2, text: 'second turn, café ✓ 日本語' },
      { conv: 3, turn: 1, text: 'a user-role turn' },
    ]);
    assert.deepEqual(counts, { conversations: 4, humanTurns: 3, malformed: 1, emptyTurns: 1, stoppedBy: 'cut' });
  });

  it('stops at the conversation limit', async () => {
    const { counts, turns } = await collect(TRUNCATED, 11, 2);
    assert.equal(counts.conversations, 2);
    assert.equal(counts.stoppedBy, 'limit');
    assert.deepEqual(
      turns.map((t) => t.conv),
      [0, 1],
    );
  });
});

describe('loadHumanPrompts', () => {
  it('splits turns into disjoint tune and report slices by conversation index', () => {
    const tune = loadHumanPrompts('tune', TURNS_FIXTURE);
    const report = loadHumanPrompts('report', TURNS_FIXTURE);
    assert.ok(tune.ok && report.ok);
    assert.deepEqual(tune.prompts, [
      'tune slice first conversation',
      'tune slice, explain your reasoning please',
      'last tune conversation',
    ]);
    assert.deepEqual(report.prompts, ['first report conversation', 'last report conversation']);
    assert.deepEqual(HUMAN_SLICES, { tune: [0, 7000], report: [7000, 10000] });
  });

  it('resolves relative paths from the repository root, not the working directory', () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      assert.ok(loadHumanPrompts('tune', TURNS_FIXTURE).ok);
      assert.ok(humanTurnsPath(TURNS_FIXTURE).endsWith(`/${TURNS_FIXTURE}`));
      assert.ok(humanTurnsPath().endsWith('/.data/sharegpt/human-turns.jsonl'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('names make data-sharegpt when the file is absent', () => {
    const missing = loadHumanPrompts('tune', join(tmpdir(), 'no-such-human-turns.jsonl'));
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.message, /make data-sharegpt/);
  });

  it('refuses a bad line with its line number, and conversations beyond the first 10,000', () => {
    const bad = join(tmpdir(), `bad-turns-${process.pid}.jsonl`);
    writeFileSync(bad, '{"conv":1,"turn":0,"text":"ok"}\n{"conv":1,"turn":1}\n');
    assert.throws(() => loadHumanPrompts('tune', bad), /:2: not a human turn/);
    const beyond = join(tmpdir(), `beyond-turns-${process.pid}.jsonl`);
    writeFileSync(beyond, '{"conv":10000,"turn":0,"text":"too far"}\n');
    assert.throws(() => loadHumanPrompts('report', beyond), /beyond the first 10,000/);
  });
});
