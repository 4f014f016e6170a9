import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { runWorker } from './child.ts';
import { commitDescription } from './machine.ts';

const written = z.object({ count: z.number(), bytes: z.number(), meanPromptChars: z.number(), seconds: z.number() });
const metaSchema = written.extend({ createdAt: z.string(), commit: z.string() });
export type EventFileMeta = z.output<typeof metaSchema> & { path: string; cached: boolean };

/**
 * A fixed JSONL file of `count` simulator events under `outDir`, generated once and reused: every hot-path run
 * reads the same bytes. Its `.meta.json` says when and at which commit it was made.
 */
export async function ensureEventFile(outDir: string, count: number, log: (m: string) => void): Promise<EventFileMeta> {
  const path = `${outDir}/events-sim-seed7-${count}.jsonl`;
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = metaSchema.safeParse(JSON.parse(readFileSync(metaPath, 'utf8')));
    if (meta.success && meta.data.count === count) return { ...meta.data, path, cached: true };
  }
  log(`generating ${count.toLocaleString('en-US')} simulator events into ${path}`);
  const result = await runWorker('write-events.ts', written, { args: ['--count', String(count), '--out', path] });
  const meta = { ...result, createdAt: new Date().toISOString(), commit: commitDescription() };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { ...meta, path, cached: false };
}
