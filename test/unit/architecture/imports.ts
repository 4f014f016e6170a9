import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import type { Layer } from './layers.ts';

export interface ImportEdge {
  /** Repository-relative paths with `/` separators. */
  from: string;
  to: string;
}

/** `from '…'`, `export … from '…'`, `import '…'` and `import('…')` with a relative specifier. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const posix = (path: string) => path.split(sep).join('/');

/** Every relative import of every `.ts` file under `root/services`, resolved to repository-relative paths. */
export function serviceImports(root: string): ImportEdge[] {
  return tsFiles(join(root, 'services')).flatMap((file) => {
    const targets = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) =>
      posix(relative(root, normalize(join(dirname(file), match[1] ?? '')))),
    );
    return [...new Set(targets)].map((to) => ({ from: posix(relative(root, file)), to }));
  });
}

/** `services/<folder>/…` → the folder; anything else → its top-level directory prefixed with `/` (e.g. `/schemas`). */
export function unitOf(path: string): string {
  const [top, folder] = path.split('/');
  return top === 'services' && folder !== undefined ? folder : `/${top}`;
}

/** Imports the table does not allow: to a folder not in `mayImport`, or out of `services/` other than `shared`. */
export function violations(
  edges: readonly ImportEdge[],
  layers: Readonly<Record<string, Layer>>,
  shared: readonly string[],
): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const source = unitOf(from);
    const target = unitOf(to);
    if (target === source || target === 'common') return false;
    if (target.startsWith('/')) return !shared.includes(target.slice(1));
    return !(layers[source]?.mayImport ?? []).includes(target);
  });
}
