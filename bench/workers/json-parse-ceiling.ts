// The hot path's ceiling: CPU time of JSON.parse alone over every line of `--input` (reading and splitting the
// file are not counted).
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { emitResult } from '../lib/child.ts';

const { values } = parseArgs({ options: { input: { type: 'string' } } });

let cpuMicros = 0;
let lines = 0;
let sink = 0;

function parseAll(batch: string[]): void {
  const start = process.cpuUsage();
  for (const line of batch) if (line.length > 0) sink += JSON.parse(line) === null ? 0 : 1;
  const used = process.cpuUsage(start);
  cpuMicros += used.user + used.system;
  lines += batch.length;
}

let rest = '';
for await (const chunk of createReadStream(values.input!, { encoding: 'utf8', highWaterMark: 8 << 20 })) {
  const batch = (rest + chunk).split('\n');
  rest = batch.pop() ?? '';
  parseAll(batch);
}
if (rest) parseAll([rest]);
emitResult({ lines, parsed: sink, cpuSeconds: cpuMicros / 1e6 });
