import { pollUntil } from '../../helpers/poll.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { readDeadLetters } from '../dead-letters.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

/**
 * One event the detector throws on (test-only hook DG_TEST_POISON_EVENT_IDS, inert unless set) in the middle of the
 * stream: after DG_STREAM_POISON_ATTEMPTS attempts it is dead-lettered alone with its original bytes and reason
 * `detector_error`, and the same process goes on: every event is stored (the poison one too: it is valid) and every
 * offset committed.
 */
export async function poisonEvent(ctx: ChaosContext, opts: { events: number }): Promise<ScenarioResult> {
  const poison = ctx.events[Math.floor(opts.events / 2)]!;
  const worker = await ctx.worker('poison', { DG_TEST_POISON_EVENT_IDS: poison.event_id });
  worker.start();
  await ctx.produce(0, opts.events);
  const final = await pollUntil(
    'all events stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    { timeoutMs: 180_000 },
  );
  const committed = await pollUntil(
    'offsets committed to the end',
    () => ctx.committedTotal(),
    (n) => n >= opts.events,
    { timeoutMs: 60_000 },
  );
  const alive = worker.running;
  await worker.terminate(30_000);
  const letters = await readDeadLetters(ctx.kafka, ctx.workerEnv.DG_TOPIC_DLQ!);
  const original = JSON.stringify(poison);
  const alone = letters.length === 1 && letters[0]!.value === original;
  const reason = letters[0]?.reason ?? 'none';
  const alerts = await storedAlerts(ctx.ch);
  return {
    scenario: 'poison event',
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok:
      alive &&
      alone &&
      reason.startsWith('detector_error') &&
      committed === opts.events &&
      final.rows === opts.events &&
      final.in_range === opts.events &&
      alerts.rows === alerts.distinct_ids,
    checked: [
      `the detector threw on ${poison.event_id}; dead-letter topic holds ${letters.length} record(s), ${alone ? 'the poison event with its original bytes' : 'not just the poison event'}, reason "${reason}"`,
      `the same worker went on: ${alive ? 'still running' : 'exited'}, committed ${committed} of ${opts.events} offsets`,
    ],
  };
}
