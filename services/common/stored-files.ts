import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { errors } from './errors.ts';
import { parseOr } from './zod-issues.ts';

/**
 * Reads and validates a JSON file the service ships or wrote (models, calibrations). Every failure is a
 * `DG_ERR_MODEL` naming the file: unreadable, not JSON, or `${path} ${invalid}: <one line of zod issues>`.
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>, invalid: string): Promise<T> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw errors.model(`${path} cannot be read`, cause);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw errors.model(`${path} is not JSON`, cause);
  }
  return parseOr(schema, value, (issues) => errors.model(`${path} ${invalid}: ${issues}`));
}

/**
 * Validates `value` against `schema`, then writes it to `path` as JSON (indented by `indent`, newline-terminated),
 * creating the directory: the counterpart of `readJsonFile`, so nothing is written that it would refuse.
 */
export async function writeJsonFile<T>(path: string, schema: z.ZodType<T>, value: T, indent: number): Promise<void> {
  const checked = schema.parse(value);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(checked, null, indent)}\n`);
}

/**
 * `root/<version>`, or for `latest` the highest version directory under `root` by numeric-aware ordering; `what` names
 * the missing root in the error (`no models under models/classifier`).
 */
export async function versionDir(root: string, version: string, what: string): Promise<string> {
  if (version !== 'latest') return join(root, version);
  const entries = await readdir(root, { withFileTypes: true }).catch((cause: unknown) => {
    throw errors.model(`no ${what} under ${root}`, cause);
  });
  const versions = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const latest = versions.at(-1);
  if (!latest) throw errors.model(`no versions under ${root}`);
  return join(root, latest);
}
