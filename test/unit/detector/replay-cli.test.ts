import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { alertSchema } from '../../../schemas/alert-v1.ts';
import { fixtureLines } from '../../fixtures/detector/events.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/distillguard', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dg-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const lines = fixtureLines();
lines.splice(10, 0, '{"event_id": "broken"');
lines.splice(
  20,
  0,
  JSON.stringify({ event_id: 'no-key', ts: 1772409600000, org_id: 'o', model: 'm', input_tokens: 1, output_tokens: 1 }),
);
lines.splice(30, 0, '');
const input = join(dir, 'events.jsonl');
writeFileSync(input, `${lines.join('\n')}\n`);

async function replay(name: string) {
  const alerts = join(dir, `${name}.alerts.jsonl`);
  const features = join(dir, `${name}.features.jsonl`);
  const { stdout, stderr } = await run(
    cli,
    ['replay', '--input', input, '--alerts', alerts, '--features', features, '--no-ml'],
    {
      // The replay mechanics are under test, not the shipped calibration: thresholds at their fixed floors.
      env: { ...process.env, DG_LOG_LEVEL: 'silent', DG_DETECTOR_FP_BUDGET: '1000' },
    },
  );
  return { stdout, stderr, alerts: readFileSync(alerts, 'utf8'), features: readFileSync(features, 'utf8') };
}

describe('distillguard replay', () => {
  it('writes valid alerts deterministically, reports bad lines with their numbers, and summarises', async () => {
    const [first, second] = await Promise.all([replay('a'), replay('b')]);
    assert.equal(first.alerts, second.alerts);
    assert.equal(first.features, second.features);

    const alerts = first.alerts
      .trim()
      .split('\n')
      .map((l) => alertSchema.parse(JSON.parse(l)));
    assert.ok(alerts.length > 0);
    assert.ok(
      alerts.every((a) => a.api_key_ids.includes('key-extract')),
      'the quiet key never alerts',
    );
    assert.ok(alerts.some((a) => a.category === 'cot_harvesting'));

    assert.match(first.stderr, /line 11: bad_json: /);
    assert.match(first.stderr, /line 21: invalid: api_key_id/);
    assert.doesNotMatch(first.stderr, /line 31:/, 'empty lines are skipped silently');
    assert.match(first.stdout, new RegExp(`events\\s+${lines.length - 3} \\(${lines.length} lines, 2 bad\\)`));
    assert.match(first.stdout, /keys\s+2 /);
    assert.match(first.stdout, /alerts\s+\d+ — by kind: key \d+/);
    assert.match(first.stdout, /events\/s/);
    assert.ok(first.features.trim().split('\n').length > 90);
  });

  it('prints usage and fails without --input/--alerts', async () => {
    await assert.rejects(run(cli, ['replay']), (error: { code: number; stdout: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stdout, /usage: distillguard replay --input/);
      return true;
    });
  });
});
