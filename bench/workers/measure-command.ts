// Runs one CLI subcommand in this process and reports the CPU time, wall time and peak RSS of running it
// (module loading excluded), even when the command ends the process itself.
import { writeSync } from 'node:fs';
import { RESULT_MARKER } from '../lib/child.ts';
import { codePath } from '../lib/machine.ts';

const [command, ...argv] = process.argv.slice(2);
const module = (await import(codePath(`services/cli/commands/${command}.ts`))) as {
  run(argv: string[]): Promise<number | undefined>;
};
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
process.once('exit', (code) => {
  const cpu = process.cpuUsage(cpuStart);
  const result = {
    exitCode: code,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    userSeconds: cpu.user / 1e6,
    wallSeconds: (performance.now() - wallStart) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  writeSync(1, `${RESULT_MARKER}${JSON.stringify(result)}\n`);
});
process.exit((await module.run(argv)) ?? 0);
