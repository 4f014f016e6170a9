import { pollUntil } from '../../helpers/poll.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { readDeadLetters } from '../dead-letters.ts';
import { readiness, wait } from '../probes.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

/**
 * ClickHouse rejects the stream's credentials (an operator's typo in DG_CLICKHOUSE_PASSWORD): a worker restarted
 * with the wrong password runs ingest only, so every batch meets the rejection on the usage_events insert itself
 * (with the detector on, the checkpoint restore would fail first). For `holdMs` it must dead-letter nothing, commit
 * nothing and report /readyz 503; the worker restarted with the right password then stores every event exactly once,
 * with the detector and stage 2 seeing all of them.
 */
export async function rejectedCredentials(
  ctx: ChaosContext,
  opts: { events: number; holdMs: number },
): Promise<ScenarioResult> {
  const third = Math.floor(opts.events / 3);
  const good = await ctx.worker('credentials-good');
  good.start();
  await ctx.produce(0, third);
  await pollUntil(
    'first third stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= third,
    { timeoutMs: 120_000 },
  );
  await good.terminate(30_000);
  const committedBefore = await ctx.committedTotal();

  const typo = await ctx.worker('credentials-wrong', {
    DG_CLICKHOUSE_PASSWORD: 'not-the-password',
    DG_MIGRATE_ON_START: 'false',
    DG_DETECTOR_IN_STREAM: 'false',
    DG_COORDINATION_IN_STREAM: 'false',
  });
  typo.start();
  await ctx.produce(third, 2 * third);
  const unready = await pollUntil(
    'readyz 503 with the wrong password',
    () => readiness(typo.healthPort),
    (r) => r.status === 503,
    { timeoutMs: 60_000 },
  );
  await wait(opts.holdMs);
  const during = await readiness(typo.healthPort);
  const storedDuring = await storedEvents(ctx.ch, opts.events);
  const typoAlive = typo.running;
  await typo.terminate(30_000);
  const committedDuring = await ctx.committedTotal();
  const lettersDuring = await readDeadLetters(ctx.kafka, ctx.workerEnv.DG_TOPIC_DLQ!);

  const fixed = await ctx.worker('credentials-fixed');
  fixed.start();
  await ctx.produce(2 * third, opts.events);
  const final = await pollUntil(
    'all events stored after the fix',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    { timeoutMs: 180_000 },
  );
  const ready = await pollUntil(
    'readyz 200 after the fix',
    () => readiness(fixed.healthPort),
    (r) => r.status === 200,
    { timeoutMs: 60_000 },
  );
  // Offsets reach the end once the detector's checkpoint covering them is saved.
  const committedAfter = await pollUntil(
    'offsets committed to the end',
    () => ctx.committedTotal(),
    (n) => n >= opts.events,
    { timeoutMs: 60_000 },
  );
  await fixed.terminate(30_000);
  const lettersAfter = await readDeadLetters(ctx.kafka, ctx.workerEnv.DG_TOPIC_DLQ!);
  const alerts = await storedAlerts(ctx.ch);
  const nothingMoved =
    committedDuring === committedBefore && lettersDuring.length === 0 && storedDuring.distinct_ids === third;
  return {
    scenario: 'clickhouse rejects credentials',
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok:
      typoAlive &&
      nothingMoved &&
      during.status === 503 &&
      ready.status === 200 &&
      lettersAfter.length === 0 &&
      committedAfter === opts.events &&
      final.rows === opts.events &&
      final.in_range === opts.events &&
      alerts.rows === alerts.distinct_ids,
    checked: [
      `wrong password for ${opts.holdMs / 1000}s: /readyz ${unready.status} then ${during.status} (${during.degraded.join('; ') || 'no reason given'})`,
      `during it: committed offsets ${committedBefore} -> ${committedDuring}, dead letters ${lettersDuring.length}, stored ${storedDuring.distinct_ids} of the ${third} stored before; the worker ${typoAlive ? 'stayed up' : 'exited'}`,
      `after the fix: /readyz ${ready.status}, committed ${committedAfter} of ${opts.events}, dead letters ${lettersAfter.length}`,
    ],
  };
}
