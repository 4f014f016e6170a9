import cliProgress from 'cli-progress';

/** Bench progress: log lines always; on an interactive stderr also a bar over every run of every scenario. */
export interface BenchProgress {
  log(message: string): void;
  /** `scenario` is starting: the bar names it. */
  begin(scenario: string): void;
  /** One run of `scenario` finished (or the scenario ended early: `skip` runs it will not do). */
  step(scenario: string, skip?: number): void;
  stop(): void;
}

const line = (message: string) => `[bench] ${message}\n`;

export function createBenchProgress(totalRuns: number): BenchProgress {
  if (!process.stderr.isTTY) return { log: (m) => process.stderr.write(line(m)), begin() {}, step() {}, stop() {} };
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: 'bench [{bar}] {value}/{total} runs | {scenario} | {duration_formatted} elapsed | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(totalRuns, 0, { scenario: '' });
  let stopped = false;
  return {
    // Lines go above the bar, so the log stays readable while it redraws.
    log: (m) => (stopped ? process.stderr.write(line(m)) : bars.log(line(m))),
    begin: (scenario) => bar.update({ scenario }),
    step: (scenario, skip = 0) => bar.increment(1 + skip, { scenario }),
    stop: () => {
      stopped = true;
      bars.stop();
    },
  };
}
