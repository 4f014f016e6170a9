import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `.ts` when the code runs from its sources (tsx: tests, dev scripts), `.js` when it runs compiled from `dist/`
 * (`make build`; what `bin/distillguard` starts). Code that lists or imports sibling modules by name uses it.
 */
export const MODULE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Whether a directory entry is a module of the running code (`x.ts` from sources, `x.js` from dist/, no maps). */
export function isModuleFile(name: string): boolean {
  return name.endsWith(MODULE_EXT) && !name.endsWith('.d.ts');
}

/** The nearest directory at or above `from` that holds package.json. */
function packageRootOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * The repository root (the installed package's, in an image), the same whether the code runs from sources or from
 * `dist/`: files that are not compiled (models/, infra/, the UI, README.md, .data/) are found from here.
 */
export const REPO_ROOT = packageRootOf(dirname(fileURLToPath(import.meta.url)));

/** A path under the repository root: `repoPath('models')`, `repoPath('infra', 'policy', 'default-policy.json')`. */
export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}
