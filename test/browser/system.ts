import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../helpers/infra.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Debian's chromium from PATH (infra/ensure-chromium.sh installs it); its path differs between distributions. */
export function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {}
  }
  throw new Error('chromium is not on PATH; run bash infra/ensure-chromium.sh');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Private database, topics and consumer groups, so the test shares Kafka and ClickHouse with nothing else. */
export function privateEnv(apiPort: number): Record<string, string> {
  const id = uniqueName('b').slice(2);
  return {
    DG_CLICKHOUSE_DATABASE: `dg_browser_${id}`,
    DG_TOPIC_EVENTS: `events-${id}`,
    DG_TOPIC_DLQ: `dlq-${id}`,
    DG_TOPIC_ALERTS: `alerts-${id}`,
    DG_TOPIC_KEY_ACTIONS: `key-actions-${id}`,
    DG_KAFKA_GROUP_INGEST: `ingest-${id}`,
    DG_KAFKA_GROUP_COORDINATION: `coordination-${id}`,
    DG_KAFKA_GROUP_ACTIONS: `actions-${id}`,
    DG_ACTIONS_READER_GROUP_PREFIX: `actions-reader-${id}`,
    DG_STREAM_HEALTH_PORT: '0',
    DG_API_PORT: String(apiPort),
    DG_API_HOST: '127.0.0.1',
    DG_API_VALIDATE_RESPONSES: '1',
    DG_LOG_LEVEL: 'info',
    // The models are not under test here (rules and statistics alone raise hundreds of alerts), and scoring
    // without them keeps the run short on a shared machine.
    DG_ML_ENABLED: 'false',
    // The triage workflow is under test, not the calibrated operating point: thresholds at their fixed floors.
    DG_DETECTOR_FP_BUDGET: '1000',
  };
}

/** A `distillguard` command as a child process, its output in `logFile`. */
export class Command {
  private child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>, logFile: string) {
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(`${ROOT}bin/distillguard`, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (a graceful shutdown), SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
