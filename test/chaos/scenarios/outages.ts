import { pollUntil } from '../../helpers/poll.ts';
import { infra } from '../chaos-env.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { readyz, rssBytes, wait } from '../probes.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

async function finish(
  ctx: ChaosContext,
  events: number,
  scenario: string,
  checked: string[],
  extraOk = true,
): Promise<ScenarioResult> {
  const final = await pollUntil(
    'all events stored',
    () => storedEvents(ctx.ch, events),
    (s) => s.distinct_ids >= events,
    {
      timeoutMs: 180_000,
    },
  );
  const alerts = await storedAlerts(ctx.ch);
  return {
    scenario,
    produced: events,
    ...storedFigures(final, alerts),
    ok: extraOk && final.rows === events && final.in_range === events && alerts.rows === alerts.distinct_ids,
    checked,
  };
}

/** (b) stop the broker mid-stream; worker and producer retry with backoff and recover; nothing lost. */
export async function brokerOutage(
  ctx: ChaosContext,
  opts: { events: number; outageMs: number },
): Promise<ScenarioResult> {
  const worker = await ctx.worker('broker');
  worker.start();
  await ctx.produce(0, opts.events / 2);
  await pollUntil(
    'first half stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events / 4,
    {
      timeoutMs: 120_000,
    },
  );
  await infra.stopKafka();
  await wait(opts.outageMs);
  await infra.startKafka();
  await ctx.produce(opts.events / 2, opts.events);
  const result = await finish(ctx, opts.events, `broker down ${opts.outageMs / 1000}s`, [
    `broker stopped for ${opts.outageMs / 1000}s mid-stream and restarted`,
    'worker survived the outage (same process) and resumed',
  ]);
  result.ok &&= worker.running;
  await worker.terminate(30_000);
  return result;
}

/** (c) stop ClickHouse: consumption pauses with bounded memory, /readyz reports degraded, then resumes. */
export async function clickhouseOutage(
  ctx: ChaosContext,
  opts: { events: number; outageMs: number },
): Promise<ScenarioResult> {
  const worker = await ctx.worker('clickhouse');
  worker.start();
  await ctx.produce(0, opts.events / 4);
  await pollUntil(
    'a quarter stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events / 4,
    {
      timeoutMs: 60_000,
    },
  );
  await infra.stopClickHouse();
  const producing = ctx.produce(opts.events / 4, opts.events);
  const degraded = await pollUntil(
    'readyz 503',
    () => readyz(worker.healthPort),
    (s) => s === 503,
    { timeoutMs: 30_000 },
  );
  let maxRss = 0;
  const until = Date.now() + opts.outageMs;
  while (Date.now() < until) {
    maxRss = Math.max(maxRss, rssBytes(worker.pid));
    await wait(500);
  }
  await producing;
  await infra.startClickHouse();
  await pollUntil(
    'readyz 200',
    () => readyz(worker.healthPort),
    (s) => s === 200,
    { timeoutMs: 60_000 },
  );
  const boundOk = maxRss < 700 * 1024 * 1024;
  const result = await finish(
    ctx,
    opts.events,
    `clickhouse down ${opts.outageMs / 1000}s`,
    [
      `/readyz answered ${degraded} while ClickHouse was down, 200 after`,
      `worker RSS peaked at ${(maxRss / 1048576).toFixed(0)} MiB during the outage (bound 700 MiB)`,
    ],
    boundOk,
  );
  await worker.terminate(30_000);
  return result;
}
