import { writeFile } from 'node:fs/promises';
import { exportLabels } from '../../alerts-store/labels-export.ts';
import { createClickHouse } from '../../common/clickhouse/client.ts';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'export analyst labels of resolved alerts as JSONL for `train --with-labels`';

export const usage =
  'usage: distillguard labels export --out LABELS.jsonl   (lines: {api_key_id, label, ts, alert_id})';

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseCommandArgs('labels', rest, { out: { type: 'string' } });
  if (sub !== 'export') {
    console.log(usage);
    return 2;
  }
  if (!values.out) throw errors.badInput('--out is required');
  const ch = createClickHouse(loadConfig().clickhouse);
  try {
    const labels = await exportLabels(ch);
    await writeFile(values.out, labels.map((l) => `${JSON.stringify(l)}\n`).join(''));
    console.log(`wrote ${labels.length} label(s) to ${values.out}`);
    return 0;
  } finally {
    await ch.close();
  }
}
