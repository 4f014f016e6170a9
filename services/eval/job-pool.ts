import { Worker } from 'node:worker_threads';
import { MODULE_EXT } from '../common/runtime-paths.ts';
import type { FittedParams } from './baselines/fit-baselines.ts';
import type { DatasetProgress } from './dataset-progress.ts';
import type { DetectorSource } from './detector-source.ts';
import type { JobResult, ReportJob } from './report-job.ts';

export interface WorkerInput {
  job: ReportJob;
  fitted: FittedParams;
  ml: boolean;
  source: DetectorSource;
}

export type WorkerMessage =
  | { type: 'started'; name: string; startMs: number; endMs: number }
  | { type: 'progress'; eventTime: number; events: number }
  | { type: 'done'; events: number; cpuSeconds: number }
  | { type: 'result'; result: JobResult; warnings: string[] };

export interface PooledResult {
  result: JobResult;
  warnings: string[];
}

/**
 * From dist/ a worker runs the compiled job-worker.js; from sources it loads TypeScript through tsx's API, registered
 * first in a tiny ESM bootstrap.
 */
function startWorker(input: WorkerInput): Worker {
  const entry = new URL(`./job-worker${MODULE_EXT}`, import.meta.url);
  if (MODULE_EXT === '.js') return new Worker(entry, { workerData: input });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: input });
}

function runInWorker(
  input: WorkerInput,
  started: (name: string, startMs: number, endMs: number) => DatasetProgress,
): Promise<PooledResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(input);
    let progress: DatasetProgress | null = null;
    let outcome: PooledResult | null = null;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'started') progress = started(m.name, m.startMs, m.endMs);
      else if (m.type === 'progress') progress?.update(m.eventTime, m.events);
      else if (m.type === 'done') progress?.done(m.events, m.cpuSeconds);
      else outcome = { result: m.result, warnings: m.warnings };
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`eval worker exited with code ${code} before its result`));
    });
  });
}

/**
 * Runs report passes on up to `parallel` worker threads (one pass per worker, each with its own detector), in job
 * order as threads free up; results come back in job order.
 */
export async function runJobsInWorkers(
  jobs: readonly ReportJob[],
  parallel: number,
  shared: Omit<WorkerInput, 'job'>,
  started: (index: number, name: string, startMs: number, endMs: number) => DatasetProgress,
): Promise<PooledResult[]> {
  const results: PooledResult[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await runInWorker({ ...shared, job: jobs[index]! }, (name, s, e) => started(index, name, s, e));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, lane));
  return results;
}
