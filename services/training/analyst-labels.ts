import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { errors } from '../common/errors.ts';
import { describeIssues } from '../common/zod-issues.ts';

const MIN_EPOCH_MS = 946_684_800_000;

/** One analyst verdict on a key, as exported by the triage API: JSONL, one object per line. */
const analystLabelSchema = z.object({
  api_key_id: z.string().min(1).max(128),
  label: z.enum(['true_positive', 'false_positive', 'benign_heavy_user']),
  /** From when the verdict holds (RFC 3339 or epoch ms); absent means the key's whole history. */
  ts: z
    .union([z.iso.datetime({ offset: true }), z.int().min(MIN_EPOCH_MS)])
    .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
    .optional(),
});

export type AnalystLabel = z.infer<typeof analystLabelSchema>;

const MAX_REPORTED_LINES = 20;

/** Parses a labels file; any bad row fails the whole file, naming every bad line (training on half a file misleads). */
export function parseAnalystLabels(text: string, source: string): AnalystLabel[] {
  const labels: AnalystLabel[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const problem = parseLine(line, (label) => labels.push(label));
    if (problem) problems.push(`${source}:${index + 1}: ${problem}`);
  });
  if (problems.length) {
    const shown = problems.slice(0, MAX_REPORTED_LINES).join('\n  ');
    const more = problems.length > MAX_REPORTED_LINES ? `\n  … and ${problems.length - MAX_REPORTED_LINES} more` : '';
    throw errors.badInput(`${problems.length} bad label row(s):\n  ${shown}${more}`);
  }
  return labels;
}

function parseLine(line: string, accept: (label: AnalystLabel) => void): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not a JSON object';
  }
  const parsed = analystLabelSchema.safeParse(value);
  if (!parsed.success) return describeIssues(parsed.error);
  accept(parsed.data);
  return undefined;
}

export async function readAnalystLabels(path: string): Promise<AnalystLabel[]> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw errors.badInput(`cannot read labels file ${path}`, cause);
  });
  return parseAnalystLabels(text, path);
}

/** 1 for a confirmed attack, 0 for a dismissed alert or a known heavy but legitimate user. */
export function labelValue(label: AnalystLabel['label']): 0 | 1 {
  return label === 'true_positive' ? 1 : 0;
}

/**
 * The verdict in force for a key at event time `ts`: the latest label whose `ts` is at or before it
 * (a label without `ts` covers the whole history); undefined when none applies.
 */
export function verdictAt(labels: readonly AnalystLabel[], ts: number): AnalystLabel | undefined {
  let best: AnalystLabel | undefined;
  for (const label of labels) {
    const from = label.ts ?? Number.NEGATIVE_INFINITY;
    if (from <= ts && (best === undefined || from >= (best.ts ?? Number.NEGATIVE_INFINITY))) best = label;
  }
  return best;
}

export function labelsByKey(labels: readonly AnalystLabel[]): Map<string, AnalystLabel[]> {
  const byKey = new Map<string, AnalystLabel[]>();
  for (const label of labels) byKey.set(label.api_key_id, [...(byKey.get(label.api_key_id) ?? []), label]);
  return byKey;
}
