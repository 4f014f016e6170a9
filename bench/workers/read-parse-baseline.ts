// The hot path's baseline: CPU time to read `--input`, split it into lines and JSON.parse every line, the least any
// consumer of the file must spend. JSON.parse's own share is timed apart, for information.
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { emitResult } from '../lib/child.ts';

const { values } = parseArgs({ options: { input: { type: 'string' } } });

const cpuMicros = (used: NodeJS.CpuUsage) => used.user + used.system;
let parseMicros = 0;
let lines = 0;
let sink = 0;

function parseAll(batch: string[]): void {
  const start = process.cpuUsage();
  for (const line of batch) if (line.length > 0) sink += JSON.parse(line) === null ? 0 : 1;
  parseMicros += cpuMicros(process.cpuUsage(start));
  lines += batch.length;
}

const started = process.cpuUsage();
let rest = '';
for await (const chunk of createReadStream(values.input!, { encoding: 'utf8', highWaterMark: 8 << 20 })) {
  const batch = (rest + chunk).split('\n');
  rest = batch.pop() ?? '';
  parseAll(batch);
}
if (rest) parseAll([rest]);
emitResult({
  lines,
  parsed: sink,
  cpuSeconds: cpuMicros(process.cpuUsage(started)) / 1e6,
  parseCpuSeconds: parseMicros / 1e6,
});
