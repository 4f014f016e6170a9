import { AssignerProtocol } from 'kafkajs';
import { z } from 'zod';
import { ident, sql } from '../../../services/common/clickhouse/sql.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { ChaosContext, type ScenarioResult } from '../context.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

const clusterRow = z.object({ alert_id: z.string(), severity: z.string(), keys: z.string() });

/** Stage 2's alerts (kind cluster) as comparable lines: id, severity, sorted member keys. */
async function clusterAlerts(ctx: ChaosContext): Promise<string[]> {
  const rows = await ctx.ch.query(
    sql`SELECT alert_id, severity, arrayStringConcat(arraySort(api_key_ids), ',') AS keys
        FROM ${ident(ctx.ch.database)}.alerts FINAL WHERE kind = 'cluster' ORDER BY alert_id`,
    clusterRow,
  );
  return rows.map((r) => `${r.alert_id} ${r.severity} ${r.keys}`);
}

/** Members of the stage 2 group and how many partitions each was assigned. */
async function coordinationMembers(ctx: ChaosContext): Promise<{ state: string; partitions: number[] }> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([ctx.workerEnv.DG_KAFKA_GROUP_COORDINATION!])).groups;
    const partitions = (group?.members ?? []).map((m) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return Object.values(assignment?.assignment ?? {}).reduce((n, parts) => n + parts.length, 0);
    });
    return { state: group?.state ?? 'unknown', partitions };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every event into partition 0 (the others stay empty): stage 2 then sees one order in every run, so its cluster
 * alerts (whose ids hash the event time of the linking pass) are comparable run to run; with events spread over
 * partitions the interleaving, hence the pass times, would differ between any two runs, one process or two.
 */
async function produceToOnePartition(ctx: ChaosContext, events: number): Promise<void> {
  const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < events; i += 1000) {
      const messages = ctx.events
        .slice(i, Math.min(events, i + 1000))
        .map((e) => ({ key: e.api_key_id, value: JSON.stringify(e), partition: 0 }));
      await producer.send({ topic: ctx.topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Runs workers over every event until ingest stored them all and stage 2 committed to the end. */
async function runToEnd(ctx: ChaosContext, workers: number, events: number) {
  const started = [];
  for (let i = 0; i < workers; i++) {
    const w = await ctx.worker(`stage2-${workers}x-${i}`);
    w.start();
    started.push(w);
  }
  await produceToOnePartition(ctx, events);
  const stored = await pollUntil(
    'all events stored',
    () => storedEvents(ctx.ch, events),
    (s) => s.distinct_ids >= events,
    { timeoutMs: 180_000 },
  );
  await pollUntil(
    'stage 2 committed to the end',
    () => ctx.committedTotal(ctx.workerEnv.DG_KAFKA_GROUP_COORDINATION!),
    (n) => n >= events,
    { timeoutMs: 120_000 },
  );
  const members = await coordinationMembers(ctx);
  const alive = started.every((w) => w.running);
  await Promise.all(started.map((w) => w.terminate(30_000)));
  return { stored, members, alive };
}

/**
 * Two `stream` processes, both with stage 2 on (the default): the single-owner group gives every partition to one of
 * them and nothing to the other, and the cluster alerts stored are exactly those of one instance over the same events.
 */
export async function twoStage2Owners(ctx: ChaosContext, opts: { events: number }): Promise<ScenarioResult> {
  const reference = new ChaosContext(ctx.events, ctx.partitions);
  let expected: string[];
  try {
    await reference.setUp();
    await runToEnd(reference, 1, opts.events);
    expected = await clusterAlerts(reference);
  } finally {
    await reference.tearDown();
  }
  const { stored: final, members, alive } = await runToEnd(ctx, 2, opts.events);
  const got = await clusterAlerts(ctx);
  const owners = members.partitions.filter((n) => n > 0);
  const oneOwner = members.partitions.length === 2 && owners.length === 1 && owners[0] === ctx.partitions;
  const missing = expected.filter((a) => !got.includes(a));
  const extra = got.filter((a) => !expected.includes(a));
  const alerts = await storedAlerts(ctx.ch);
  return {
    scenario: 'two stream processes, stage 2',
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok:
      alive &&
      oneOwner &&
      expected.length > 0 &&
      missing.length === 0 &&
      extra.length === 0 &&
      final.rows === opts.events &&
      final.in_range === opts.events &&
      alerts.rows === alerts.distinct_ids,
    checked: [
      `stage 2 group ${members.state}: partitions per member ${JSON.stringify(members.partitions)} (one owner of all ${ctx.partitions}, one standing by)`,
      'events all in partition 0, so stage 2 sees the same order in both runs',
      `cluster alerts: ${got.length} with two processes, ${expected.length} with one; missing ${missing.length}, extra ${extra.length}${missing.length + extra.length > 0 ? ` (e.g. ${[...missing, ...extra].slice(0, 2).join(' | ')})` : ''}`,
    ],
  };
}
