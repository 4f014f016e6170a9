import { readFileSync } from 'node:fs';
import { pollUntil } from '../../helpers/poll.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

/** (d) a second worker joins mid-stream: partitions move (with their detector state), nothing lost or doubled. */
export async function secondInstance(ctx: ChaosContext, opts: { events: number }): Promise<ScenarioResult> {
  const producing = ctx.produce(0, opts.events, opts.events / 15);
  const first = await ctx.worker('first');
  first.start();
  await pollUntil(
    'a third stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events / 3,
    {
      timeoutMs: 120_000,
    },
  );
  const second = await ctx.worker('second');
  second.start();
  await producing;
  const final = await pollUntil(
    'all stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    {
      timeoutMs: 180_000,
    },
  );
  const bothAlive = first.running && second.running;
  await Promise.all([first.terminate(30_000), second.terminate(30_000)]);
  const alerts = await storedAlerts(ctx.ch);
  // The joining worker must resume moved partitions from the first worker's checkpoints, not from empty state.
  const restored = (readFileSync(second.logFile, 'utf8').match(/state restored from checkpoint/g) ?? []).length;
  return {
    scenario: 'second instance joins',
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok:
      bothAlive &&
      restored > 0 &&
      final.rows === opts.events &&
      final.in_range === opts.events &&
      alerts.rows === alerts.distinct_ids,
    checked: [
      'second worker started mid-stream; both stayed up and shared the partitions',
      `the joining worker restored ${restored} partition state(s) from checkpoints (no baseline reset)`,
    ],
  };
}
