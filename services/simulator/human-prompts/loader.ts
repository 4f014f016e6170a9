import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { LIMITS } from '../../../schemas/usage-v1.ts';
import { describeIssues } from '../../common/zod-issues.ts';
import { DEFAULT_HUMAN_TURNS, REPO_ROOT } from './paths.ts';
import { humanTurnSchema, MAX_CONVERSATIONS } from './sharegpt.ts';

/** Disjoint slices by conversation index: tune on one, report on the other, never mixed. */
export const HUMAN_SLICES = { tune: [0, 7_000], report: [7_000, MAX_CONVERSATIONS] } as const;
export type HumanSlice = keyof typeof HUMAN_SLICES;

export type HumanPromptsResult =
  | { ok: true; slice: HumanSlice; prompts: readonly string[]; conversations: number }
  | { ok: false; message: string };

const cache = new Map<string, Map<HumanSlice, readonly string[]>>();

/** Where the human turns file is: an absolute path, or one relative to the repository root (not the cwd). */
export function humanTurnsPath(path?: string): string {
  if (!path) return DEFAULT_HUMAN_TURNS;
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

function parseLine(line: string, file: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new Error(`${file}:${lineNo}: not JSON (${(error as Error).message}); rerun make data-sharegpt`);
  }
}

/** Reads and validates every line; a bad line is an error naming its line number, never skipped. */
function readSlices(file: string): Map<HumanSlice, readonly string[]> {
  const slices = new Map<HumanSlice, string[]>([
    ['tune', []],
    ['report', []],
  ]);
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.length === 0) continue;
    const parsed = humanTurnSchema.safeParse(parseLine(line, file, i + 1));
    if (!parsed.success) throw new Error(`${file}:${i + 1}: not a human turn: ${describeIssues(parsed.error)}`);
    const { conv, text } = parsed.data;
    if (conv >= MAX_CONVERSATIONS) throw new Error(`${file}:${i + 1}: conversation ${conv} is beyond the first 10,000`);
    // A gateway logs at most the schema's prompt_text limit.
    slices.get(conv < HUMAN_SLICES.tune[1] ? 'tune' : 'report')!.push(text.slice(0, LIMITS.promptTextChars));
  }
  return slices;
}

/** The human prompts of one slice, or why they are unavailable (the generator then uses its own prompts). */
export function loadHumanPrompts(slice: HumanSlice, path?: string): HumanPromptsResult {
  const file = humanTurnsPath(path);
  if (!existsSync(file)) {
    return { ok: false, message: `human prompts not found at ${file}; run \`make data-sharegpt\` to fetch ShareGPT` };
  }
  let slices = cache.get(file);
  if (!slices) {
    slices = readSlices(file);
    cache.set(file, slices);
  }
  const prompts = slices.get(slice)!;
  if (prompts.length === 0) return { ok: false, message: `${file} has no human turns in the ${slice} slice` };
  const [from, to] = HUMAN_SLICES[slice];
  return { ok: true, slice, prompts, conversations: to - from };
}
