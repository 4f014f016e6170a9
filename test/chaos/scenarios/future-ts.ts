import { pollUntil } from '../../helpers/poll.ts';
import { type NewestCheckpoint, newestCheckpoints } from '../checkpoints.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { readDeadLetters } from '../dead-letters.ts';
import { storedAlerts, storedEvents } from '../verify.ts';

const FUTURE_ID = 'chaos-future-0';
const HALF_YEAR_MS = 183 * 86_400_000;
/** A checkpoint "collapsed" when its state fell below this share of its size before the future event. */
const KEPT_SHARE = 0.5;

const key = (c: NewestCheckpoint) => `${c.consumer_group}/${c.partition}`;

/** Waits until the ingest group (detector) and the stage 2 group both committed `offsets` offsets. */
async function committedBoth(ctx: ChaosContext, offsets: number): Promise<void> {
  for (const group of [ctx.workerEnv.DG_KAFKA_GROUP_INGEST!, ctx.workerEnv.DG_KAFKA_GROUP_COORDINATION!]) {
    await pollUntil(
      `${group} committed ${offsets}`,
      () => ctx.committedTotal(group),
      (n) => n >= offsets,
      { timeoutMs: 120_000 },
    );
  }
}

/**
 * One well-formed event stamped half a year ahead of the wall clock, mid-stream: it is quarantined to the DLQ as
 * `future_ts` (not stored, not analysed) and no partition's detector or stage 2 state collapses, as it did when the
 * event-time clock followed the largest `ts` seen and idle compaction wiped every key.
 */
export async function futureEvent(ctx: ChaosContext, opts: { events: number }): Promise<ScenarioResult> {
  // Full checkpoints only: the newest checkpoint's size is then the whole state's, which is what this compares.
  const worker = await ctx.worker('future-ts', { DG_CHECKPOINT_FULL_EVERY: '0' });
  worker.start();
  const half = opts.events / 2;
  await ctx.produce(0, half);
  await pollUntil(
    'first half stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= half,
    { timeoutMs: 120_000 },
  );
  // Offsets are committed only once a checkpoint covering them is saved: the checkpoints of the first half.
  await committedBoth(ctx, half);
  const before = await newestCheckpoints(ctx.ch);
  const template = ctx.events[half]!;
  const future = { ...template, event_id: FUTURE_ID, ts: Date.now() + HALF_YEAR_MS };
  const producer = ctx.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: ctx.topic,
    acks: -1,
    messages: [{ key: future.api_key_id, value: JSON.stringify(future) }],
  });
  await producer.disconnect();
  // The checkpoints covering the future event and nothing after it: what an idle compaction it triggered would leave.
  await committedBoth(ctx, half + 1);
  const after = await newestCheckpoints(ctx.ch);
  await ctx.produce(half, opts.events);
  await pollUntil(
    'all events stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    { timeoutMs: 180_000 },
  );
  await committedBoth(ctx, opts.events + 1);
  const settled = await storedEvents(ctx.ch, opts.events);
  const alive = worker.running;
  await worker.terminate(30_000);

  const letters = await readDeadLetters(ctx.kafka, ctx.workerEnv.DG_TOPIC_DLQ!);
  const quarantined = letters.filter((l) => l.value.includes(FUTURE_ID));
  const reasonOk = quarantined.length === 1 && quarantined[0]!.reason.startsWith('future_ts');
  const shrunk = before.filter((b) => {
    const a = after.find((x) => key(x) === key(b));
    return !a || a.newest_bytes < b.newest_bytes * KEPT_SHARE;
  });
  const alerts = await storedAlerts(ctx.ch);
  const sizes = (list: NewestCheckpoint[]) => list.reduce((n, c) => n + c.newest_bytes, 0);
  const smallestRatio = Math.min(
    ...before.map((b) => (after.find((x) => key(x) === key(b))?.newest_bytes ?? 0) / Math.max(1, b.newest_bytes)),
  );
  return {
    scenario: 'event half a year ahead',
    produced: opts.events,
    stored: settled.distinct_ids,
    duplicates: settled.rows - settled.distinct_ids,
    redelivered: settled.raw_rows - settled.distinct_ids,
    alerts: `${alerts.distinct_ids} (${alerts.rows - alerts.distinct_ids} dup)`,
    ok:
      alive &&
      reasonOk &&
      letters.length === 1 &&
      before.length === ctx.partitions + 1 &&
      shrunk.length === 0 &&
      settled.rows === opts.events &&
      settled.in_range === opts.events &&
      alerts.rows === alerts.distinct_ids,
    checked: [
      `dead-letter topic holds ${letters.length} record(s); the future event's reason: ${quarantined[0]?.reason ?? 'none'}`,
      `usage_events holds ${settled.rows} rows for the ${opts.events} events produced in range (the future event ${settled.rows > opts.events ? 'was stored' : 'was not stored'})`,
      `checkpointed state of ${before.length} (group, partition) pairs: ${sizes(before)} bytes before the future event, ${sizes(after)} right after it; smallest after/before ratio ${smallestRatio.toFixed(2)} (fails below ${KEPT_SHARE}); collapsed: ${shrunk.map(key).join(', ') || 'none'}`,
    ],
  };
}
