import { pollUntil } from '../../helpers/poll.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

/** (e) SIGTERM mid-stream: the in-flight batch is flushed and committed, and the worker exits within a bound. */
export async function sigterm(ctx: ChaosContext, opts: { events: number; boundMs: number }): Promise<ScenarioResult> {
  await ctx.produce(0, opts.events);
  const worker = await ctx.worker('sigterm');
  worker.start();
  await pollUntil(
    'a third stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events / 3,
    {
      timeoutMs: 120_000,
      intervalMs: 20,
    },
  );
  const exit = await worker.terminate(opts.boundMs);
  const atExit = await storedEvents(ctx.ch, opts.events);
  const committed = await ctx.committedTotal();
  const checked = [
    `exit code ${exit.code} after ${exit.ms} ms (bound ${opts.boundMs} ms)`,
    `committed offsets cover ${committed} records; ${atExit.distinct_ids} stored at exit (must be equal)`,
  ];
  const second = await ctx.worker('sigterm-2');
  second.start();
  const final = await pollUntil(
    'all stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    {
      timeoutMs: 120_000,
    },
  );
  await second.terminate(30_000);
  const alerts = await storedAlerts(ctx.ch);
  checked.push('a restarted worker finished the stream from the committed offsets');
  return {
    scenario: 'SIGTERM mid-stream',
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok:
      alerts.rows === alerts.distinct_ids &&
      exit.code === 0 &&
      exit.ms <= opts.boundMs &&
      committed === atExit.distinct_ids &&
      final.rows === opts.events,
    checked,
  };
}
