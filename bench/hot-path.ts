import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { runWorker } from './lib/child.ts';
import { cpuProfileSchema, topSelfTime } from './lib/cpu-profile.ts';
import { type EventFileMeta, ensureEventFile } from './lib/event-file.ts';
import { CODE_ROOT } from './lib/machine.ts';
import type { Figure } from './lib/results-schema.ts';
import { type RunOptions, requireExport, type Scenario } from './lib/scenario.ts';

const measured = z.object({
  exitCode: z.number(),
  cpuSeconds: z.number(),
  userSeconds: z.number(),
  wallSeconds: z.number(),
  maxRssKb: z.number(),
});
const ceiling = z.object({ lines: z.number(), parsed: z.number(), cpuSeconds: z.number() });
const TARGET = { op: '>=' as const, value: 200_000 };

function replay(file: EventFileMeta, alertsPath: string, nodeArgs: string[] = []) {
  return runWorker('measure-command.ts', measured, {
    args: ['replay', '--input', file.path, '--alerts', alertsPath],
    nodeArgs: ['--max-old-space-size=4096', ...nodeArgs],
  }).then((r) => {
    if (r.exitCode !== 0) throw new Error(`replay exited with ${r.exitCode}`);
    return r;
  });
}

/** CPU seconds replay spends on a one-event file: loading config, models and opening files, not events. */
async function fixedCost(file: EventFileMeta, outDir: string, alertsPath: string): Promise<number> {
  const one = { ...file, path: `${outDir}/hot-path-one-event.jsonl`, count: 1 };
  const head = Buffer.alloc(100_000);
  const fd = openSync(file.path, 'r');
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  writeFileSync(one.path, `${head.toString('utf8', 0, read).split('\n')[0]}\n`);
  return (await replay(one, alertsPath)).cpuSeconds;
}

async function measure(file: EventFileMeta, alertsPath: string, fixedCpu: number): Promise<Figure[]> {
  const r = await replay(file, alertsPath);
  const parse = await runWorker('json-parse-ceiling.ts', ceiling, { args: ['--input', file.path] });
  const perCore = file.count / Math.max(1e-3, r.cpuSeconds - fixedCpu);
  const parsePerCore = parse.parsed / parse.cpuSeconds;
  return [
    { name: 'replay events/s per core', unit: 'ev/s', value: perCore, target: TARGET },
    { name: 'replay events/s per core incl. start-up', unit: 'ev/s', value: file.count / r.cpuSeconds },
    { name: 'replay events/s (wall clock)', unit: 'ev/s', value: file.count / r.wallSeconds },
    { name: 'JSON.parse alone, lines/s per core (ceiling)', unit: 'lines/s', value: parsePerCore },
    { name: 'replay / JSON.parse ratio', unit: '', value: perCore / parsePerCore },
    { name: 'replay peak RSS', unit: 'MB', value: (r.maxRssKb * 1024) / 1e6 },
  ];
}

/** One profiled replay: the functions with the most self time, for the notes. */
async function profile(file: EventFileMeta, outDir: string, alertsPath: string): Promise<string[]> {
  const dir = `${outDir}/profiles/hot-path`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await replay(file, alertsPath, ['--cpu-prof', '--cpu-prof-dir', dir]);
  const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!name) return ['(no CPU profile was written)'];
  const parsed = cpuProfileSchema.parse(JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')));
  const top = topSelfTime(parsed, 12, CODE_ROOT);
  const rows = top.map((t) => `${(t.share * 100).toFixed(1)}% ${t.frame}`).join('; ');
  return [
    `Top self time in one profiled replay (\`node --cpu-prof\`, profile in \`bench/out/profiles/hot-path/\`): ${rows}.`,
  ];
}

function countLines(path: string): number {
  const text = readFileSync(path, 'utf8');
  return text ? text.split('\n').filter(Boolean).length : 0;
}

async function start(o: RunOptions) {
  await requireExport('services/cli/commands/replay.ts', 'run');
  const file = await ensureEventFile(o.outDir, o.smoke ? 2_000 : 1_000_000, o.log);
  const alertsPath = `${o.outDir}/hot-path-alerts.jsonl`;
  const fixedCpu = o.smoke ? 0 : await fixedCost(file, o.outDir, alertsPath);
  return {
    run: () => measure(file, alertsPath, fixedCpu),
    notes: async () => [
      `Input: the first ${file.count.toLocaleString('en-US')} events of the simulator (seed 7), ${(file.bytes / 1e6).toFixed(0)} MB of JSON lines, prompts ${file.meanPromptChars.toFixed(0)} characters on average; generated ${file.cached ? 'earlier and reused' : 'now'} (${file.createdAt.slice(0, 10)}, commit ${file.commit}). Replay raised ${countLines(alertsPath)} alerts over it.`,
      `\`bin/distillguard replay\` runs in a child process (${CODE_ROOT.endsWith('/dist/') ? 'compiled JavaScript from `dist/`' : 'TypeScript sources through tsx'}); events/s per core = events ÷ CPU seconds (user + system, \`process.cpuUsage\`) spent in the command, minus the ${fixedCpu.toFixed(2)} CPU s it spends on a one-event file (config, tfjs models, files); module loading excluded. The ceiling is the CPU time of \`JSON.parse\` alone over the same lines in another child process (reading and splitting excluded).`,
      ...(o.smoke ? [] : await profile(file, o.outDir, alertsPath)),
    ],
    async close() {
      rmSync(alertsPath, { force: true });
      rmSync(`${o.outDir}/hot-path-one-event.jsonl`, { force: true });
    },
  };
}

export const hotPath: Scenario = {
  name: 'hot-path',
  title: 'Hot path: replay throughput',
  target:
    '`replay` over 1M events with ~500-character prompts ≥ 200k events/s per core; JSON.parse alone is the ceiling.',
  runs: { full: 3, smoke: 1 },
  start,
};
