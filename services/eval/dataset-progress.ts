/** Progress of one dataset pass. */
export interface DatasetProgress {
  update(eventTime: number, events: number): void;
  done(events: number, cpuSeconds: number): void;
}

/** Progress lines on stderr while datasets run: name, events, rate, share of event time done and ETA. */
export interface EvalProgress {
  start(label: string, startMs: number, endMs: number): DatasetProgress;
}

const EVERY_MS = 10_000;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

const silentDataset: DatasetProgress = { update() {}, done() {} };
export const silentProgress: EvalProgress = { start: () => silentDataset };

/** Writes a line per dataset at most every 10 s and one when it ends, TTY or not (passes may run in parallel). */
export function stderrProgress(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): EvalProgress {
  return {
    start(label, startMs, endMs) {
      const started = performance.now();
      let lastLine = started;
      write(`${label}: started`);
      return {
        update(eventTime, events) {
          const now = performance.now();
          if (now - lastLine < EVERY_MS) return;
          lastLine = now;
          const seconds = (now - started) / 1000;
          const done = Math.min(1, Math.max(1e-6, (eventTime - startMs) / (endMs - startMs)));
          const eta = (seconds * (1 - done)) / done;
          write(
            `${label}: ${events.toLocaleString('en-US')} events, ${Math.round(events / seconds).toLocaleString('en-US')} ` +
              `events/s, ${(100 * done).toFixed(0)}% of event time, ETA ${duration(eta)}`,
          );
        },
        done(events, cpuSeconds) {
          const seconds = (performance.now() - started) / 1000;
          // CPU time says what the pass costs on an idle core when other work inflates the wall clock.
          write(
            `${label}: ${events.toLocaleString('en-US')} events in ${duration(seconds)} (CPU ${duration(cpuSeconds)})`,
          );
        },
      };
    },
  };
}
