import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../../services/cli/commands/train.ts';
import { tempDir } from './fixtures.ts';

test('train refuses bad options before doing any work', async () => {
  await assert.rejects(run(['--hours', '-1']), { code: 'DG_ERR_BAD_INPUT', message: /hours/ });
  await assert.rejects(run(['--version', 'latest']), { code: 'DG_ERR_BAD_INPUT', message: /latest is reserved/ });
  await assert.rejects(run(['--version', '../x']), { code: 'DG_ERR_BAD_INPUT', message: /version/ });
  await assert.rejects(run(['--epochs', '3']), { code: 'DG_ERR_BAD_INPUT', message: /train --help/ });
});

test('train will not overwrite an existing version without --force', async () => {
  const out = await tempDir('train-cmd');
  await mkdir(join(out, 'classifier', '7'), { recursive: true });
  await assert.rejects(run(['--out', out, '--version', '7']), { code: 'DG_ERR_CONFLICT', message: /--force/ });
});

test('a bad labels file fails with its line numbers before training starts', async () => {
  const out = await tempDir('train-cmd-labels');
  const labels = join(out, 'labels.jsonl');
  await writeFile(labels, '{"api_key_id":"k","label":"true_positive"}\n{"api_key_id":"k","label":"nope"}\n');
  await assert.rejects(run(['--out', out, '--with-labels', labels]), {
    code: 'DG_ERR_BAD_INPUT',
    message: /labels\.jsonl:2: label:/,
  });
});
