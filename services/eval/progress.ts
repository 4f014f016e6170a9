/** Progress lines on stderr while a dataset runs: name, events, rate, share of event time done and ETA. */
export interface EvalProgress {
  dataset(label: string, index: number, total: number, startMs: number, endMs: number): void;
  update(eventTime: number, events: number): void;
  done(events: number): void;
}

const EVERY_MS = 10_000;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

export const silentProgress: EvalProgress = { dataset() {}, update() {}, done() {} };

/** Writes a line at most every 10 s (and one per dataset at the end), TTY or not. */
export function stderrProgress(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): EvalProgress {
  let label = '';
  let started = 0;
  let lastLine = 0;
  let span: [number, number] = [0, 1];
  return {
    dataset(name, index, total, startMs, endMs) {
      label = `eval [${index + 1}/${total}] ${name}`;
      started = performance.now();
      lastLine = started;
      span = [startMs, endMs];
      write(`${label}: started`);
    },
    update(eventTime, events) {
      const now = performance.now();
      if (now - lastLine < EVERY_MS) return;
      lastLine = now;
      const seconds = (now - started) / 1000;
      const done = Math.min(1, Math.max(1e-6, (eventTime - span[0]) / (span[1] - span[0])));
      const rate = events / seconds;
      const eta = (seconds * (1 - done)) / done;
      write(
        `${label}: ${events.toLocaleString('en-US')} events, ${Math.round(rate).toLocaleString('en-US')} events/s, ` +
          `${(100 * done).toFixed(0)}% of event time, ETA ${duration(eta)}`,
      );
    },
    done(events) {
      const seconds = (performance.now() - started) / 1000;
      write(`${label}: ${events.toLocaleString('en-US')} events in ${duration(seconds)}`);
    },
  };
}
