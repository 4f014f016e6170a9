import { readFileSync } from 'node:fs';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { infra } from '../chaos-env.ts';
import { type ChaosContext, freePort, type ScenarioResult } from '../context.ts';
import { wait } from '../probes.ts';
import { StreamWorker } from '../worker.ts';

const RETRYING = 'handling alert failed; retrying';

async function runnerGroup(ctx: ChaosContext, groupId: string) {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    const [committed] = await admin.fetchOffsets({ groupId, topics: [ctx.workerEnv.DG_TOPIC_ALERTS!] });
    return {
      state: group?.state ?? 'unknown',
      members: (group?.members ?? []).map((m) => m.memberId).join(','),
      committed: (committed?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

function outageAlert(): Alert {
  return {
    alert_id: `chaos-outage-${Date.now()}`,
    kind: 'key',
    api_key_ids: ['chaos-outage-key'],
    org_ids: ['chaos-org'],
    score: 0.95,
    severity: 'critical',
    raised_at: new Date().toISOString(),
    category: 'bulk_distillation',
    reasons: [
      { feature: 'output_input_ratio', value: 40, baseline: 2, percentile: 99.9, contribution: 0.6, scorer: 'rule' },
    ],
    evidence_event_ids: ['chaos-0'],
    escalates: null,
  };
}

/**
 * The actions runner (inside a real `distillguard serve`) holds an alert while ClickHouse is down for `outageMs`
 * (six session timeouts at 60 s): it heartbeats through the retries, so its group stays Stable with the same member,
 * and it handles and commits the alert once ClickHouse is back.
 */
export async function actionsOutage(ctx: ChaosContext, opts: { outageMs: number }): Promise<ScenarioResult> {
  const groupId = `actions-${ctx.id}`;
  const serve = new StreamWorker(
    {
      ...ctx.workerEnv,
      DG_API_PORT: String(await freePort()),
      DG_KAFKA_GROUP_ACTIONS: groupId,
      DG_TOPIC_KEY_ACTIONS: `key-actions-${ctx.id}`,
      DG_ACTIONS_READER_GROUP_PREFIX: `key-actions-reader-${ctx.id}`,
    },
    `${ctx.logDir}/${ctx.id}-serve.log`,
    ['serve'],
  );
  serve.start();
  const joined = await pollUntil(
    'actions runner joined its group',
    () => runnerGroup(ctx, groupId),
    (g) => g.state === 'Stable' && g.members !== '',
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  await infra.stopClickHouse();
  const producer = ctx.kafka.producer();
  await producer.connect();
  const alert = outageAlert();
  await producer.send({
    topic: ctx.workerEnv.DG_TOPIC_ALERTS!,
    acks: -1,
    messages: [{ key: alert.api_key_ids[0]!, value: JSON.stringify(alert) }],
  });
  await producer.disconnect();
  await pollUntil(
    'the runner retrying the alert',
    async () => readFileSync(serve.logFile, 'utf8').includes(RETRYING),
    (seen) => seen,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const changes: string[] = [];
  const until = Date.now() + opts.outageMs;
  while (Date.now() < until) {
    const g = await runnerGroup(ctx, groupId);
    if (g.state !== 'Stable' || g.members !== joined.members) changes.push(`${g.state} [${g.members}]`);
    await wait(1_000);
  }
  const duringCommitted = (await runnerGroup(ctx, groupId)).committed;
  await infra.startClickHouse();
  const after = await pollUntil(
    'alert handled and committed after the outage',
    () => runnerGroup(ctx, groupId),
    (g) => g.committed >= 1,
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const alive = serve.running;
  await serve.terminate(30_000);
  const retries = readFileSync(serve.logFile, 'utf8').split(RETRYING).length - 1;
  const kept = changes.length === 0 && after.members === joined.members && after.state === 'Stable';
  return {
    scenario: `actions runner, clickhouse down ${opts.outageMs / 1000}s`,
    produced: 1,
    stored: after.committed,
    duplicates: 0,
    redelivered: 0,
    alerts: '1 (0 dup)',
    ok: alive && kept && duringCommitted === 0 && after.committed === 1,
    checked: [
      `runner member ${joined.members} stayed in its group through the outage (${retries} failed attempts logged): ${changes.length === 0 ? 'no rebalance, no other member' : `changes seen: ${changes.slice(0, 3).join('; ')}`}`,
      `alert committed ${duringCommitted} during the outage, ${after.committed} after; group ${after.state}, member ${after.members === joined.members ? 'unchanged' : `now ${after.members}`}`,
    ],
  };
}
