import { parentPort, workerData } from 'node:worker_threads';
import { fittedFromParams } from './baselines/fit-baselines.ts';
import { detectorFactory } from './detector-source.ts';
import type { WorkerInput, WorkerMessage } from './job-pool.ts';
import { runReportJob } from './report-job.ts';

/** A worker thread of `job-pool.ts`: runs one report pass and posts progress and the result. */
const input = workerData as WorkerInput;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const warnings = new Set<string>();
const factory = detectorFactory(input.source, (m) => warnings.add(m));
const result = await runReportJob(input.job, fittedFromParams(input.fitted), factory, input.ml, {
  started: (name, startMs, endMs) => {
    post({ type: 'started', name, startMs, endMs });
    return {
      update: (eventTime, events) => post({ type: 'progress', eventTime, events }),
      done: (events, cpuSeconds) => post({ type: 'done', events, cpuSeconds }),
    };
  },
});
post({ type: 'result', result, warnings: [...warnings] });
