import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { sql } from '../../services/common/clickhouse/sql.ts';
import type { Config } from '../../services/common/config/index.ts';
import { MODULE_EXT, REPO_ROOT as PACKAGE_ROOT } from '../../services/common/runtime-paths.ts';
import type { Machine } from './results-schema.ts';

/** The repository root, ending in '/': bench/out/, RESULTS.md, .data/ and sources read as text are found from here. */
export const REPO_ROOT = `${PACKAGE_ROOT}/`;

/** Where the running code's modules are: dist/ when the bench runs compiled (`make bench`), else the sources (tsx). */
export const CODE_ROOT = MODULE_EXT === '.js' ? `${REPO_ROOT}dist/` : REPO_ROOT;

/** Node flags a child needs to run modules of the running code: tsx's loader from sources, none from dist/. */
export const LOADER_ARGS: readonly string[] = MODULE_EXT === '.js' ? [] : ['--import', 'tsx'];

/** The module of the running code for a repository source path: `codePath('services/cli/main.ts')`. */
export function codePath(sourcePath: string): string {
  return `${CODE_ROOT}${sourcePath.replace(/\.ts$/, MODULE_EXT)}`;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

/** Short commit, marked when the working tree had uncommitted changes (figures then reflect those too). */
export function commitDescription(): string {
  try {
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function clickhouseVersion(config: Config): Promise<string> {
  const ch = createClickHouse(config.clickhouse);
  try {
    const [row] = await ch.queryRaw(sql`SELECT version() AS v`);
    return String(row?.v ?? 'unknown');
  } catch (error) {
    return `unreachable (${(error as Error).message.slice(0, 80)})`;
  } finally {
    await ch.close();
  }
}

/** The broker jar version of the locally started Kafka (`make up`); brokers elsewhere are named, not versioned. */
function kafkaVersion(config: Config): string {
  const local = config.kafka.brokers.every((b) => b.startsWith('127.0.0.1') || b.startsWith('localhost'));
  try {
    const jar = readdirSync(`${REPO_ROOT}.data/kafka/libs`).find((f) => /^kafka_[\d.]+-[\d.]+\.jar$/.test(f));
    const version = jar?.replace(/^kafka_[\d.]+-/, '').replace(/\.jar$/, '');
    if (local && version) return `${version} (KRaft, single broker at ${config.kafka.brokers.join(',')})`;
  } catch {}
  return `unknown version at ${config.kafka.brokers.join(',')}`;
}

export async function describeMachine(config: Config): Promise<Machine> {
  return {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    ramGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    clickhouse: await clickhouseVersion(config),
    kafka: kafkaVersion(config),
    commit: commitDescription(),
  };
}
