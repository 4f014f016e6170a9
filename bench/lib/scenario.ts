import { existsSync } from 'node:fs';
import type { Config } from '../../services/common/config/index.ts';
import { codePath } from './machine.ts';
import type { Figure } from './results-schema.ts';

export interface RunOptions {
  /** Tiny sizes and one run: keeps the scripts working in CI; the figures mean nothing. */
  smoke: boolean;
  config: Config;
  /** Git-ignored directory for caches and profiles (`bench/out/`). */
  outDir: string;
  /** Progress on stderr. */
  log(message: string): void;
  /** Called after each run (`skipped`: runs a failed or unrunnable scenario will not do), for a progress bar. */
  onRun?(scenario: string, skipped?: number): void;
}

/** A started scenario: data prepared once, measured several times, then cleaned up. */
export interface Session {
  run(iteration: number): Promise<Figure[]>;
  /** Called once after the runs: what limits the figures (profiles, sizes, caveats). */
  notes?(): Promise<string[]>;
  close(): Promise<void>;
}

export interface Scenario {
  name: string;
  title: string;
  /** The targets in words, as the issue states them. */
  target: string;
  runs: { full: number; smoke: number };
  start(options: RunOptions): Promise<Session>;
}

/** Thrown when a scenario cannot run here (a dependency is missing); reported as "not run" with the reason. */
export class NotRunError extends Error {}

/** Imports `path` (repo-relative) and returns the named export, or throws NotRunError saying what is missing. */
export async function requireExport<T>(path: string, exportName: string): Promise<T> {
  if (!existsSync(codePath(path))) throw new NotRunError(`\`${path}\` does not exist yet`);
  let module: Record<string, unknown>;
  try {
    module = (await import(codePath(path))) as Record<string, unknown>;
  } catch (error) {
    throw new NotRunError(`\`${path}\` does not load: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!(exportName in module)) throw new NotRunError(`\`${path}\` does not export \`${exportName}\``);
  return module[exportName] as T;
}
