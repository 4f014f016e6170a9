import { readFileSync } from 'node:fs';

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** HTTP status of a worker's /readyz (0 when nothing answers), with the names of what it reports degraded. */
export async function readyz(port: number): Promise<number> {
  return (await readiness(port)).status;
}

export async function readiness(port: number): Promise<{ status: number; degraded: string[] }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await res.json()) as { degraded?: unknown };
    const degraded = Array.isArray(body.degraded) ? body.degraded.map(String) : [];
    return { status: res.status, degraded };
  } catch {
    return { status: 0, degraded: [] };
  }
}

/** Resident set size of a process from /proc (0 when it is gone). */
export function rssBytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
