import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { codePath, LOADER_ARGS, REPO_ROOT } from './machine.ts';

/** Prefix of the one stdout line a worker prints its result on; everything else it prints is passed through. */
export const RESULT_MARKER = '@@bench-result ';

/** Prints a worker's result for the parent (see runWorker). */
export function emitResult(value: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(value)}\n`);
}

export interface WorkerOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`, `--expose-gc`, `--max-old-space-size=4096`. */
  nodeArgs?: string[];
  timeoutMs?: number;
  cwd?: string;
}

/** Finds the result line in a worker's stdout. */
export function extractResult(stdout: string): unknown {
  const line = stdout.split('\n').findLast((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error('worker printed no result line');
  return JSON.parse(line.slice(RESULT_MARKER.length));
}

/**
 * Runs `bench/workers/<script>` (compiled from dist/, or TypeScript through tsx) in its own process, so CPU time and RSS belong to what
 * it measures; returns its result validated by `schema`. Its stderr goes to ours as progress.
 */
export function runWorker<S extends z.ZodType>(script: string, schema: S, o: WorkerOptions = {}): Promise<z.output<S>> {
  const { child, exited, stop } = spawnNode(codePath(`bench/workers/${script}`), o);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 19));
  });
  const timer = setTimeout(() => void stop(1_000), o.timeoutMs ?? 30 * 60_000);
  return exited.then((code) => {
    clearTimeout(timer);
    if (code !== 0) throw new Error(`worker ${script} exited with ${code ?? child.signalCode}`);
    try {
      return schema.parse(extractResult(stdout));
    } catch (error) {
      throw new Error(`worker ${script}: ${(error as Error).message}`);
    }
  });
}

export interface RunningWorker<T> {
  /** What the worker printed on its result line once it was ready (e.g. the port it listens on). */
  ready: T;
  pid: number;
  /** SIGTERM, then waits for the exit; SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

interface Spawned {
  child: ChildProcessByStdio<null, Readable, null>;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/** Spawns node on `script` (absolute path; tsx's loader when it is TypeScript); stdout piped to us, stderr inherited (progress). */
function spawnNode(script: string, o: WorkerOptions = {}): Spawned {
  const argv = [...(o.nodeArgs ?? []), ...LOADER_ARGS, script, ...(o.args ?? [])];
  const child = spawn(process.execPath, argv, {
    cwd: o.cwd ?? REPO_ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // 'close' (not 'exit') so that everything the child printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 10_000) => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { child, exited, stop };
}

/** Starts a long-running worker (a server) and resolves once it prints its result line. */
export function startWorker<S extends z.ZodType>(
  script: string,
  schema: S,
  o: WorkerOptions = {},
): Promise<RunningWorker<z.output<S>>> {
  const { child, stop } = spawnNode(codePath(`bench/workers/${script}`), o);
  const waitMs = o.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    let buffered = '';
    let isReady = false;
    const timer = setTimeout(() => {
      void stop(1_000);
      reject(new Error(`worker ${script} not ready after ${waitMs} ms`));
    }, waitMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${script} exited with ${code} before it was ready`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (isReady) return;
      buffered += chunk;
      const at = buffered.indexOf(RESULT_MARKER);
      if (at < 0 || !buffered.slice(at).includes('\n')) return;
      isReady = true;
      clearTimeout(timer);
      try {
        resolve({ ready: schema.parse(extractResult(buffered)), pid: child.pid!, stop });
      } catch (error) {
        void stop(1_000);
        reject(error);
      }
    });
  });
}
