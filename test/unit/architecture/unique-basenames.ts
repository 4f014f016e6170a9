import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Names every folder may repeat because they say nothing beyond the folder: `index.ts` is a folder's entry point. */
export const REPEATABLE_BASENAMES: ReadonlySet<string> = new Set(['index.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Basenames that more than one of `paths` carries (folder entry points excepted), each with the paths carrying it. */
export function sharedBasenames(paths: readonly string[]): Array<{ name: string; paths: string[] }> {
  const byName = new Map<string, string[]>();
  for (const path of paths) {
    const name = path.split('/').at(-1) ?? path;
    if (REPEATABLE_BASENAMES.has(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), path]);
  }
  return [...byName]
    .filter(([, same]) => same.length > 1)
    .map(([name, same]) => ({ name, paths: same.sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every `.ts` file under `root/services`, repository-relative with `/` separators. */
export function serviceFiles(root: string): string[] {
  return tsFiles(join(root, 'services')).map((file) => relative(root, file).split(sep).join('/'));
}
