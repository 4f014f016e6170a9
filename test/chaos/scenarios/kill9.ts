import { mulberry32 } from '../../fuzz/event-cases.ts';
import { pollUntil } from '../../helpers/poll.ts';
import type { ChaosContext, ScenarioResult } from '../context.ts';
import { storedAlerts, storedEvents, storedFigures } from '../verify.ts';

/** (a) kill -9 the stream worker at random points during the stream, restart each time; nothing lost or doubled. */
export async function kill9(ctx: ChaosContext, opts: { events: number; kills: number }): Promise<ScenarioResult> {
  const rand = mulberry32(7);
  const producing = ctx.produce(0, opts.events, opts.events / 20);
  const checked: string[] = [];
  let worker = await ctx.worker('w0');
  worker.start();
  for (let k = 1; k <= opts.kills; k++) {
    const target = Math.floor(((k - 0.5 + rand() * 0.8) / (opts.kills + 1)) * opts.events);
    await pollUntil(
      `${target} stored before kill ${k}`,
      () => storedEvents(ctx.ch, opts.events),
      (s) => s.distinct_ids >= target,
      {
        timeoutMs: 120_000,
        intervalMs: 50,
      },
    );
    await worker.kill9();
    checked.push(`kill -9 #${k} at ≥${target} stored`);
    worker = await ctx.worker(`w${k}`);
    worker.start();
  }
  await producing;
  const final = await pollUntil(
    'all events stored',
    () => storedEvents(ctx.ch, opts.events),
    (s) => s.distinct_ids >= opts.events,
    {
      timeoutMs: 180_000,
    },
  );
  await worker.terminate(30_000);
  const alerts = await storedAlerts(ctx.ch);
  const ok = final.rows === opts.events && final.in_range === opts.events && alerts.rows === alerts.distinct_ids;
  checked.push('stored ids == produced ids, no duplicate rows visible, alert ids unique');
  return {
    scenario: `kill -9 x${opts.kills}`,
    produced: opts.events,
    ...storedFigures(final, alerts),
    ok,
    checked,
  };
}
