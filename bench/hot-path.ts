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
const baseline = z.object({
  lines: z.number(),
  parsed: z.number(),
  cpuSeconds: z.number(),
  parseCpuSeconds: z.number(),
});
/** Issue 11: replay may spend at most 2× the CPU of reading, splitting and parsing the same file. */
const TARGET = { op: '>=' as const, value: 0.5 };

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
  const base = await runWorker('read-parse-baseline.ts', baseline, { args: ['--input', file.path] });
  if (base.parsed !== file.count) throw new Error(`baseline parsed ${base.parsed} of ${file.count} events`);
  return [
    { name: 'read + split + parse CPU / replay CPU', unit: '', value: base.cpuSeconds / r.cpuSeconds, target: TARGET },
    { name: 'replay CPU', unit: 's', value: r.cpuSeconds },
    { name: 'read + split + parse CPU', unit: 's', value: base.cpuSeconds },
    { name: 'replay events/s per core', unit: 'ev/s', value: file.count / Math.max(1e-3, r.cpuSeconds - fixedCpu) },
    { name: 'replay events/s (wall clock)', unit: 'ev/s', value: file.count / r.wallSeconds },
    { name: 'read + split + parse, lines/s per core', unit: 'lines/s', value: base.lines / base.cpuSeconds },
    { name: 'JSON.parse alone, lines/s per core', unit: 'lines/s', value: base.lines / base.parseCpuSeconds },
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
      `Input: the first ${file.count.toLocaleString('en-US')} events of the simulator (seed 7), ${(file.bytes / 1e6).toFixed(0)} MB of JSON lines (${(file.bytes / file.count).toFixed(0)} bytes per event on average; the issue's "~1 KB"), prompts ${file.meanPromptChars.toFixed(0)} characters on average; generated ${file.cached ? 'earlier and reused' : 'now'} (${file.createdAt.slice(0, 10)}, commit ${file.commit}). Replay raised ${countLines(alertsPath)} alerts over it.`,
      `\`bin/distillguard replay\` (models and coordination on, as by default) runs in a child process (${CODE_ROOT.endsWith('/dist/') ? 'compiled JavaScript from `dist/`' : 'TypeScript sources through tsx'}); its CPU is user + system (\`process.cpuUsage\`) spent in the command, module loading excluded. The judged ratio divides by it the CPU another child process spends reading the same file (8 MB chunks), splitting it into lines and \`JSON.parse\`-ing every line; ≥ 0.5 means replay costs at most twice that. Events/s per core (information) subtract the ${fixedCpu.toFixed(2)} CPU s replay spends on a one-event file (config, tfjs models, files).`,
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
    '`replay` with models and coordination on over 1M ~1 KB events: CPU ≤ 2× that of reading, splitting and `JSON.parse` of the same file (ratio ≥ 0.5); events/s per core as information.',
  runs: { full: 3, smoke: 1 },
  start,
};
