import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isModuleFile, MODULE_EXT, REPO_ROOT, repoPath } from '../../../services/common/runtime-paths.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

describe('runtime paths', () => {
  it('from sources: the repository root and TypeScript modules', () => {
    assert.equal(REPO_ROOT, ROOT);
    assert.equal(MODULE_EXT, '.ts');
    assert.ok(isModuleFile('replay.ts'));
    assert.ok(!isModuleFile('replay.js') && !isModuleFile('types.d.ts') && !isModuleFile('replay.js.map'));
    for (const asset of [
      'models',
      'infra/clickhouse/migrations',
      'infra/policy/default-policy.json',
      'services/api/ui',
    ]) {
      assert.ok(existsSync(repoPath(asset)), asset);
    }
  });

  it('from dist/: the same root and assets, JavaScript modules, every command listed', () => {
    execFileSync('bash', [repoPath('infra', 'build.sh')]);
    const probe = `const m = await import(${JSON.stringify(repoPath('dist', 'services', 'common', 'runtime-paths.js'))});
      console.log(JSON.stringify({ root: m.REPO_ROOT, ext: m.MODULE_EXT }));`;
    const seen = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }));
    assert.deepEqual(seen, { root: ROOT, ext: '.js' });
    const help = execFileSync(process.execPath, [repoPath('dist', 'services', 'cli', 'main.js'), 'help'], {
      encoding: 'utf8',
    });
    for (const command of ['replay', 'serve', 'stream', 'migrate', 'eval'])
      assert.match(help, new RegExp(`  ${command} `));
  });
});
