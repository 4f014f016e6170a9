import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { ROOT } from './chaos-env.ts';

/** A real `distillguard stream` (or other command) process; its log goes to a file the report names. */
export class StreamWorker {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    private readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly command: readonly string[] = ['stream'],
  ) {}

  start(): void {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(`${ROOT}bin/distillguard`, [...this.command], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.child = child;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no flush, no commit — the crash the at-least-once design must survive. */
  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait; returns the exit code and how long the shutdown took. */
  async terminate(timeoutMs: number): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    this.child?.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited, timer]);
    if (result === 'timeout') {
      await this.kill9();
      return { code: null, ms: Date.now() - started };
    }
    return { code: result, ms: Date.now() - started };
  }
}
