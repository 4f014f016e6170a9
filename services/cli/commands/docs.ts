import { readFileSync, writeFileSync } from 'node:fs';
import { describeConfig } from '../../common/config/index.ts';
import { repoPath } from '../../common/runtime-paths.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'rewrite the configuration table in README.md from the config schemas';

const README = repoPath('README.md');
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = describeConfig().map(
    (r) => `| \`${r.name}\` | ${r.default ? `\`${r.default}\`` : '(empty)'} | ${r.description} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** README text with the table between the markers replaced. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

export const usage = 'usage: distillguard docs   (rewrites the README configuration table)';

export async function run(argv: string[]): Promise<number> {
  parseCommandArgs('docs', argv, {});
  writeFileSync(README, withConfigTable(readFileSync(README, 'utf8')));
  console.log('README.md configuration table updated');
  return 0;
}
