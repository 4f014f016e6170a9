import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const commandsDir = fileURLToPath(new URL('../../../services/cli/commands/', import.meta.url));
const main = fileURLToPath(new URL('../../../services/cli/main.ts', import.meta.url));
const names = readdirSync(commandsDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));

describe('cli command modules', () => {
  it('each says what it does and how it is called (main prints `usage` for --help)', async () => {
    assert.ok(names.length > 10);
    for (const name of names) {
      const module = (await import(new URL(`${name}.ts`, `file://${commandsDir}`).href)) as Record<string, unknown>;
      assert.equal(typeof module.summary, 'string', name);
      assert.match(String(module.usage), new RegExp(`^usage: distillguard ${name}\\b`), name);
      assert.equal(typeof module.run, 'function', name);
    }
  });

  it('--help prints the usage and exits 0 without running the command', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', main, 'train', '--seed', '3', '--help'], {
      encoding: 'utf8',
    });
    assert.match(out, /^usage: distillguard train /);
  });
});
