import cliProgress from 'cli-progress';

/** A progress bar on an interactive stderr; silent when output is piped or in CI. */
export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function createProgress(label: string, total: number, unit: string): Progress {
  if (!process.stderr.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {detail}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  return {
    update: (value, payload) => bar.update(Math.min(total, value), payload),
    stop: () => bar.stop(),
  };
}
