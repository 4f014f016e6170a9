import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { run } from '../../../services/cli/commands/simulate.ts';
import { groundTruthSchema } from '../../../services/simulator/truth.ts';

const dir = mkdtempSync(join(tmpdir(), 'dg-simulate-'));
const FIXTURE = 'test/fixtures/sharegpt/human-turns.jsonl';

function written(name: string) {
  const truth = groundTruthSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.truth.json`), 'utf8')));
  const lines = readFileSync(join(dir, `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n');
  return { truth, events: lines.map((l) => parseEventValue(JSON.parse(l))) };
}

describe('simulate command', () => {
  it('writes the randomised family with its variant and human-prompt slice', async () => {
    const out = ['--out', join(dir, 'r4.jsonl'), '--truth', join(dir, 'r4.truth.json')];
    const args = ['--family', 'randomised', '--variant', 'r4', '--human-prompts', 'report', '--hours', '1'];
    const size = ['--benign-keys', '60', '--attack-scale', '0.2', '--human-prompts-path', FIXTURE];
    assert.equal(await run([...args, ...size, ...out]), 0);
    const { truth, events } = written('r4');
    assert.equal(truth.family, 'randomised');
    assert.ok(truth.keys.every((k) => k.variant === 4));
    assert.ok(events.length > 0 && events.every((e) => e.ok));
    assert.ok(events.some((e) => e.ok && e.event.prompt_text === 'first report conversation'));
  });

  it('keeps the classic family as the default', async () => {
    const out = ['--out', join(dir, 'classic.jsonl'), '--truth', join(dir, 'classic.truth.json')];
    assert.equal(await run(['--hours', '0.25', '--keys-scale', '0.05', ...out]), 0);
    const { truth } = written('classic');
    assert.equal(truth.family, undefined);
    assert.ok(truth.keys.some((k) => k.archetype === 'hobbyist'));
  });

  it("refuses the other family's options and an unknown family", async () => {
    const out = ['--out', join(dir, 'x.jsonl')];
    const badInput = { code: 'DG_ERR_BAD_INPUT' };
    await assert.rejects(run(['--family', 'randomised', '--keys-scale', '2', ...out]), badInput);
    await assert.rejects(run(['--variant', 'r2', ...out]), badInput);
    await assert.rejects(run(['--family', 'other', ...out]), badInput);
    await assert.rejects(run(['--family', 'randomised', '--variant', 'r9', ...out]), badInput);
  });
});
