import { infra } from './chaos-env.ts';
import { ChaosContext, type ScenarioResult } from './context.ts';
import { kill9 } from './scenarios/kill9.ts';
import { brokerOutage, clickhouseOutage } from './scenarios/outages.ts';
import { secondInstance } from './scenarios/rebalance.ts';
import { sigterm } from './scenarios/sigterm.ts';

/** `make chaos` (full) and `make chaos-short` (CI): each scenario against real processes, then a table. */
const short = process.argv.includes('--short');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

const scenarios: Array<[string, (ctx: ChaosContext) => Promise<ScenarioResult>]> = [
  ['kill9', (ctx) => kill9(ctx, short ? { events: 40_000, kills: 2 } : { events: 200_000, kills: 5 })],
  [
    'broker',
    (ctx) => brokerOutage(ctx, short ? { events: 20_000, outageMs: 8_000 } : { events: 100_000, outageMs: 30_000 }),
  ],
  [
    'clickhouse',
    (ctx) =>
      clickhouseOutage(ctx, short ? { events: 20_000, outageMs: 10_000 } : { events: 100_000, outageMs: 60_000 }),
  ],
  ['rebalance', (ctx) => secondInstance(ctx, { events: short ? 30_000 : 150_000 })],
  ['sigterm', (ctx) => sigterm(ctx, { events: short ? 30_000 : 100_000, boundMs: 15_000 })],
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
  for (const [name, scenario] of scenarios) {
    if (only && only !== name) continue;
    const ctx = new ChaosContext();
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
  console.log(table(results));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
