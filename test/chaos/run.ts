import { infra } from './chaos-env.ts';
import { ChaosContext, type ScenarioResult } from './context.ts';
import { actionsOutage } from './scenarios/actions-outage.ts';
import { rejectedCredentials } from './scenarios/credentials.ts';
import { futureEvent } from './scenarios/future-ts.ts';
import { kill9 } from './scenarios/kill9.ts';
import { brokerOutage, clickhouseOutage } from './scenarios/outages.ts';
import { poisonEvent } from './scenarios/poison.ts';
import { secondInstance } from './scenarios/rebalance.ts';
import { sigterm } from './scenarios/sigterm.ts';
import { twoStage2Owners } from './scenarios/stage2-owners.ts';

/** `make chaos` (full) and `make chaos-short` (CI): each scenario against real processes, then a table. */
const short = process.argv.includes('--short');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

type Scenario = [name: string, events: number, run: (ctx: ChaosContext) => Promise<ScenarioResult>];
const n = (shortCount: number, fullCount: number) => (short ? shortCount : fullCount);
const scenarios: Scenario[] = [
  ['kill9', n(40_000, 200_000), (ctx) => kill9(ctx, { events: ctx.events.length, kills: n(2, 5) })],
  ['broker', n(20_000, 100_000), (ctx) => brokerOutage(ctx, { events: ctx.events.length, outageMs: n(8_000, 30_000) })],
  [
    'clickhouse',
    n(20_000, 100_000),
    (ctx) => clickhouseOutage(ctx, { events: ctx.events.length, outageMs: n(10_000, 60_000) }),
  ],
  ['rebalance', n(30_000, 150_000), (ctx) => secondInstance(ctx, { events: ctx.events.length })],
  ['sigterm', n(30_000, 100_000), (ctx) => sigterm(ctx, { events: ctx.events.length, boundMs: 15_000 })],
  ['future-ts', n(20_000, 100_000), (ctx) => futureEvent(ctx, { events: ctx.events.length })],
  [
    'credentials',
    n(15_000, 60_000),
    (ctx) => rejectedCredentials(ctx, { events: ctx.events.length, holdMs: n(10_000, 30_000) }),
  ],
  ['poison', n(20_000, 100_000), (ctx) => poisonEvent(ctx, { events: ctx.events.length })],
  // Full mode only: a reference run and a two-process run take longer than a CI minute.
  ...(short
    ? []
    : [['stage2-owners', 60_000, (ctx) => twoStage2Owners(ctx, { events: ctx.events.length })] as Scenario]),
  // Full mode only: the outage itself lasts a minute.
  ...(short ? [] : [['actions-outage', 1_000, (ctx) => actionsOutage(ctx, { outageMs: 60_000 })] as Scenario]),
];

function table(rows: ScenarioResult[]): string {
  const header = ['scenario', 'produced', 'stored', 'duplicates', 'redelivered', 'alerts', 'result'];
  const body = rows.map((r) =>
    [r.scenario, r.produced, r.stored, r.duplicates, r.redelivered, r.alerts, r.ok ? 'PASS' : 'FAIL'].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  console.error(`chaos: starting isolated Kafka and ClickHouse (${short ? 'short' : 'full'} run)`);
  await infra.up();
  const results: ScenarioResult[] = [];
  for (const [name, events, scenario] of scenarios) {
    if (only && only !== name) continue;
    const ctx = new ChaosContext(events);
    const started = Date.now();
    try {
      await ctx.setUp();
      const result = await scenario(ctx);
      results.push(result);
      console.error(`chaos: ${name} ${result.ok ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
      for (const c of result.checked) console.error(`  checked: ${c}`);
    } catch (error) {
      results.push({
        scenario: name,
        produced: 0,
        stored: 0,
        duplicates: 0,
        redelivered: 0,
        alerts: '-',
        ok: false,
        checked: [],
      });
      console.error(`chaos: ${name} FAIL: ${(error as Error).stack}`);
      await infra.up();
    } finally {
      await ctx.tearDown();
    }
  }
  await infra.down();
  console.log(table(results));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
