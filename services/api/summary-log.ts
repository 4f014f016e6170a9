import type { Logger } from '../common/logger.ts';
import type { StreamSample } from './stream-metrics.ts';

/** Fields of one summary line beyond the Kafka sample, e.g. what this process consumed or enforced. */
export type SummaryFields = () => Record<string, number | string | boolean>;

const round = (n: number) => Math.round(n);

/** `events 1234/s, lag distillguard-ingest=5000 …, alerts 17 (+3), key actions 4 (+1)`, plus `extra` as k=v. */
export function summaryLine(now: StreamSample | null, before: StreamSample | null, extra: Record<string, unknown>) {
  const parts: string[] = [];
  if (now) {
    const lag = Object.entries(now.lag).map(([group, n]) => `${group}=${n}`);
    const delta = (a: number, b: number | undefined) => (b === undefined ? '' : ` (+${a - b})`);
    parts.push(
      `events ${round(now.eventsPerSecond)}/s`,
      `lag ${lag.length ? lag.join(' ') : 'n/a'}`,
      `alerts ${now.alerts}${delta(now.alerts, before?.alerts)}`,
      `key actions ${now.keyActions}${delta(now.keyActions, before?.keyActions)}`,
    );
  } else parts.push('no Kafka sample yet');
  for (const [k, v] of Object.entries(extra)) parts.push(`${k.replaceAll('_', ' ')} ${v}`);
  return parts.join(', ');
}

/**
 * Logs one info line every `intervalS` seconds with the pipeline's figures (an operator tailing the log sees
 * progress without a metrics stack). Returns a stop function; `intervalS` 0 logs nothing.
 */
export function startSummaryLog(
  logger: Logger,
  intervalS: number,
  sample: () => StreamSample | null,
  extra: SummaryFields = () => ({}),
): () => void {
  if (intervalS <= 0) return () => {};
  const log = logger.child({ component: 'summary' });
  let previous: StreamSample | null = null;
  const timer = setInterval(() => {
    const now = sample();
    const fields = extra();
    log.info(
      { event: 'summary', events_per_s: now ? round(now.eventsPerSecond) : null, lag: now?.lag, ...fields },
      summaryLine(now, previous, fields),
    );
    previous = now ?? previous;
  }, intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
