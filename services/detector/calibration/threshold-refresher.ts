import type { SeverityThresholds } from '../scorers/ensemble.ts';
import { type AlertThresholdSettings, resolveAlertThresholds } from './alert-thresholds.ts';

export interface ThresholdRefresher {
  /** The thresholds in force; the pipelines call this at every score. */
  current(): SeverityThresholds;
  /** Re-reads the calibration now; resolves to true when the thresholds changed. */
  refresh(): Promise<boolean>;
  stop(): void;
}

const same = (a: SeverityThresholds, b: SeverityThresholds) =>
  a.medium === b.medium && a.high === b.high && a.critical === b.critical;

/**
 * Keeps a running detector on the newest calibration: every `intervalMs` the latest calibration version is re-read
 * (a `calibrate --from-clickhouse` job writes new versions as analysts label traffic), so thresholds follow drift
 * without a restart. A calibration that cannot be read keeps the thresholds in force.
 */
export function startThresholdRefresher(
  settings: AlertThresholdSettings,
  initial: SeverityThresholds,
  intervalMs: number,
  onChange: (next: SeverityThresholds, source: string) => void,
): ThresholdRefresher {
  let current = initial;
  async function refresh(): Promise<boolean> {
    const next = await resolveAlertThresholds(settings);
    if (next.warning || same(next.thresholds, current)) return false;
    current = next.thresholds;
    onChange(current, next.source);
    return true;
  }
  const timer = intervalMs > 0 ? setInterval(() => void refresh().catch(() => {}), intervalMs) : null;
  timer?.unref();
  return {
    current: () => current,
    refresh,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
