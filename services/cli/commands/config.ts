import { describeConfig, loadConfig } from '../../common/config/index.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'print every configuration variable with its default, or check the current environment';

export const usage = 'usage: distillguard config [--check] [--markdown]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('config', argv, { check: { type: 'boolean' }, markdown: { type: 'boolean' } });
  if (values.check) {
    loadConfig();
    console.log('configuration ok');
    return 0;
  }
  const rows = describeConfig();
  if (values.markdown) {
    console.log('| variable | default | meaning |\n|---|---|---|');
    for (const r of rows) console.log(`| \`${r.name}\` | \`${r.default}\` | ${r.description} |`);
  } else {
    for (const r of rows) console.log(`${r.name.padEnd(32)} ${r.default.padEnd(26)} ${r.description}`);
  }
  return 0;
}
