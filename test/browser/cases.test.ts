import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { z } from 'zod';
import type { Role } from '../../services/auth/principal.ts';
import { createTokenStore } from '../../services/auth/token-store.ts';
import { sql } from '../../services/common/clickhouse/sql.ts';
import { table } from '../../services/common/clickhouse/table.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { type SimulationOptions, simulate } from '../../services/simulator/index.ts';
import { createTestTopics, testClickHouse, testKafka } from '../helpers/infra.ts';
import { pollUntil } from '../helpers/poll.ts';
import { Command, chromiumPath, freePort, privateEnv } from './system.ts';

// A real `stream` and `serve` on a private database and topics, fed sixteen simulated hours: half the default benign
// population, two 30-key hydra networks and more extraction campaigns than the default (hundreds of alerts from about
// 360k events, settled in under a minute on two cores).
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const SIMULATION: SimulationOptions = {
  seed: 11,
  hours: 16,
  keysScale: 0.5,
  hydraMembers: 30,
  population: { bulk_distillation: 8, cot_harvesting: 8, capability_sweep: 6, region_evasion: 6 },
};
/** Event time starts at the wall clock's minute, so the alerts are live (not backfill) and the policy enforces them. */
const START_MS = Math.floor(Date.now() / 60_000) * 60_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const SEVERITY_RANK: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };

let env: Record<string, string>;
let ch: Awaited<ReturnType<typeof testClickHouse>>;
let stream: Command;
let serve: Command;
let base: string;
let browser: Browser;
let page: Page;
const tokens = new Map<Role, string>();
const forbidden: string[] = [];
const pageErrors: string[] = [];

const count = z.object({ n: z.coerce.number() });
async function scalar(query: ReturnType<typeof sql>): Promise<number> {
  return (await ch.query(query, count))[0]?.n ?? 0;
}

/** Produces the simulated events keyed by api_key_id, as gateways would; returns how many. */
async function produceEvents(): Promise<number> {
  const producer = testKafka(loadConfig({ ...process.env, ...env })).producer();
  await producer.connect();
  let produced = 0;
  let batch: Array<{ key: string; value: string }> = [];
  const flush = async () => {
    await producer.send({ topic: env.DG_TOPIC_EVENTS!, messages: batch });
    produced += batch.length;
    batch = [];
  };
  for (const event of simulate({ ...SIMULATION, start: START_MS }).events) {
    batch.push({ key: event.api_key_id, value: JSON.stringify(event) });
    if (batch.length === 2_000) await flush();
  }
  if (batch.length) await flush();
  await producer.disconnect();
  return produced;
}

/** Every event stored, the alert and action counts unchanged across two polls, every alert folded into a case. */
async function settled(events: number): Promise<void> {
  let lastAlerts = -1;
  let lastActions = -1;
  const started = Date.now();
  const done = await pollUntil(
    'the stream to store every event and the cases to absorb every alert',
    async () => {
      if (!stream.running || !serve.running) throw new Error('stream or serve exited; see test-artifacts/cases-*.log');
      const stored = await scalar(sql`SELECT uniqExact(event_id) AS n FROM ${table(ch, 'usage_events')}`);
      const alerts = await scalar(sql`SELECT count() AS n FROM ${table(ch, 'alerts')} FINAL`);
      const folded = await scalar(sql`SELECT uniqExact(alert_id) AS n FROM ${table(ch, 'case_alerts')}`);
      const actions = await scalar(sql`SELECT count() AS n FROM ${table(ch, 'key_actions')}`);
      const steady = alerts === lastAlerts && actions === lastActions;
      lastAlerts = alerts;
      lastActions = actions;
      return { stored, alerts, folded, actions, steady, s: Math.round((Date.now() - started) / 1000) };
    },
    (s) => s.stored === events && s.steady && s.alerts > 0 && s.folded === s.alerts,
    { timeoutMs: 300_000, intervalMs: 4_000 },
  );
  console.log(`# settled: ${JSON.stringify(done)}`);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  // The simulated hours arrive within a minute, so their event time runs up to 16 h ahead of the wall clock, and the
  // breaker's one-hour wall-clock window sees all 16 hours of automatic actions at once (61 on 2026-12-03:
  // critical bulk/CoT keys, hydra members, high keys); paced as simulated, that is ~4 an hour against its 50. The
  // window's limits, overall and per org, are scaled by the 16 hours so they stay what they are per hour of traffic
  // (since hydra escalations bring in every newly linked key, at most every 10 minutes, an org holding several
  // members of one network gets up to one entry per escalation: 16 hours of them passed its 10 on 2026-12-04); the
  // breaker's own tripping is tested in test/unit/actions.
  env = {
    ...privateEnv(port),
    DG_MAX_FUTURE_SKEW_MS: '0',
    DG_ACTIONS_BREAKER_MAX: String(50 * SIMULATION.hours!),
    DG_ACTIONS_BREAKER_MAX_PER_ORG: String(10 * SIMULATION.hours!),
  };
  base = `http://127.0.0.1:${port}`;
  ch = await testClickHouse(loadConfig({ ...process.env, ...env }));
  const store = createTokenStore(ch, { cacheMs: 1_000, now: Date.now });
  for (const role of ['analyst', 'investigator', 'gateway'] as const)
    tokens.set(role, (await store.create({ name: `${role}-browser`, role })).token);
  // Created up front, so neither process races the broker's leader election for a topic it just created.
  await createTestTopics(testKafka(loadConfig({ ...process.env, ...env })), [
    { topic: env.DG_TOPIC_EVENTS!, partitions: 4 },
    { topic: env.DG_TOPIC_DLQ!, partitions: 1 },
    { topic: env.DG_TOPIC_ALERTS!, partitions: 4 },
    { topic: env.DG_TOPIC_KEY_ACTIONS!, partitions: 4, compacted: true },
  ]);
  serve = new Command(['serve'], env, `${ARTIFACTS}cases-serve.log`);
  const ready = await pollUntil(
    'serve to answer /readyz',
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => (serve.running ? 0 : -1),
      ),
    (s) => s === 200 || s === -1,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.equal(ready, 200, 'serve exited; see test-artifacts/cases-serve.log');
  stream = new Command(['stream'], env, `${ARTIFACTS}cases-stream.log`);
  await settled(await produceEvents());
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('response', (r) => {
    if (r.status() === 403) forbidden.push(r.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  await stream?.stop();
  await ch?.drop();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}cases-${name}.png`, fullPage: true });

async function signIn(role: Role): Promise<void> {
  await page.goto(`${base}/ui/#/signin`);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${base}/ui/#/signin`);
  await page.getByLabel('Token').fill(tokens.get(role)!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Case queue' }).waitFor();
}

async function api<T>(role: Role, path: string, method = 'GET'): Promise<T> {
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${tokens.get(role)}` } });
  assert.equal(r.status, 200, `${method} ${path} as ${role}: ${r.status}`);
  return (await r.json()) as T;
}

async function decisionOf(key: string): Promise<string> {
  return (await api<{ decision: string }>('gateway', `/v1/keys/${encodeURIComponent(key)}/decision`)).decision;
}

type CaseView = { case_id: string; kind: string; api_key_ids: string[]; severity: string; score: number };
const keysWhere = async (condition: ReturnType<typeof sql>) =>
  (
    await ch.query(
      sql`SELECT DISTINCT k FROM ${table(ch, 'alerts')} FINAL ARRAY JOIN api_key_ids AS k WHERE ${condition}`,
      z.object({ k: z.string() }),
    )
  ).map((r) => r.k);

test('the queue holds one case per key or cluster, most severe first, with the total', async () => {
  const alerts = await scalar(sql`SELECT count() AS n FROM ${table(ch, 'alerts')} FINAL`);
  const keys = await scalar(
    sql`SELECT uniqExact(k) AS n FROM ${table(ch, 'alerts')} FINAL ARRAY JOIN api_key_ids AS k WHERE kind = 'key'`,
  );
  const clusters = await scalar(
    sql`SELECT count() AS n FROM ${table(ch, 'alerts')} FINAL WHERE kind = 'cluster' AND escalates = ''`,
  );
  await signIn('analyst');
  const totalText = (await page.locator('#case-total').textContent()) ?? '';
  const total = Number(/^(\d+) open case/.exec(totalText)?.[1]);
  console.log(`# ${alerts} alerts, ${keys} keys, ${clusters} cluster chains -> ${total} open cases`);
  assert.ok(alerts >= 200, `hundreds of alerts expected, got ${alerts}`);
  assert.ok(total > 0 && total <= keys + clusters, `${total} cases for ${keys} keys and ${clusters} clusters`);
  assert.ok(total < alerts / 4, `${total} cases for ${alerts} alerts`);
  const listed = await api<{ cases: CaseView[]; total: number }>('analyst', '/v1/cases?limit=200');
  assert.equal(listed.total, total, 'the page and the API report the same total');
  const order = listed.cases.map((c) => [SEVERITY_RANK[c.severity] ?? -1, c.score] as const);
  const sorted = [...order].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  assert.deepEqual(order, sorted, 'sorted by severity, then score');
  const severities = await page
    .locator('#queue-results tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity') ?? ''));
  const ranks = severities.map((s) => SEVERITY_RANK[s] ?? -1);
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => b - a),
    'sorted by severity',
  );
  assert.equal(severities.length, Math.min(total, 50));
  await shot('queue');
  // The first screen of it, as docs/case-queue.png in the README.
  await page.screenshot({ path: `${ARTIFACTS}cases-queue-top.png` });
});

test('a case page explains in sentences and charts each feature on its own labelled axes', async () => {
  await page.locator('#queue-results').getByRole('link', { name: 'Open' }).first().click();
  await page.getByRole('heading', { name: /^Case: / }).waitFor();
  const sentences = await page.locator('.reasons li').allTextContents();
  assert.ok(sentences.length >= 1);
  assert.ok(
    sentences.every((s) => /^[A-Z0-9].*\.$/.test(s) && !/\b[a-z]+_[a-z_]+\b/.test(s.replace(/\(.*?\)/g, ''))),
    `sentences, not feature names: ${JSON.stringify(sentences)}`,
  );
  const panels = page.locator('.panels svg.chart');
  assert.ok((await panels.count()) >= 2, 'one panel per series');
  for (const panel of await panels.all()) {
    assert.ok((await panel.locator('text.y-tick').count()) >= 2, 'y-axis labels');
    assert.ok((await panel.locator('text.x-tick').count()) >= 2, 'time-axis labels');
  }
  assert.ok((await page.locator('h2', { hasText: 'Latest evidence events' }).count()) === 1);
  await shot('case');
});

test('the policy suspends or throttles every critical bulk or CoT key and limits hydra members via their cluster case, breaker closed', async () => {
  const extraction = sql`kind = 'key' AND category IN ('bulk_distillation', 'cot_harvesting')`;
  const critical = await keysWhere(sql`${extraction} AND severity = 'critical'`);
  const high = (await keysWhere(sql`${extraction} AND severity = 'high'`)).filter((k) => !critical.includes(k));
  const decisions = new Map<string, string>();
  for (const key of [...critical, ...high]) decisions.set(key, await decisionOf(key));
  console.log(`# critical bulk/CoT keys: ${critical.map((k) => decisions.get(k)).join(' ')}`);
  console.log(`# high-only bulk/CoT keys: ${high.map((k) => decisions.get(k)).join(' ')}`);
  assert.ok(critical.length >= 2, `critical bulk/CoT keys: ${critical.length}`);
  for (const key of critical) assert.equal(decisions.get(key), 'deny', `critical ${key} suspended`);
  // A key can also have a critical alert of another category (region evasion), which suspends it.
  for (const key of high) assert.notEqual(decisions.get(key), 'allow', `high ${key} rate-limited or suspended`);

  const breaker = await api<{ open: boolean; overall: { count: number }; last_tripped_at: string | null }>(
    'analyst',
    '/v1/actions/breaker',
  );
  console.log(`# breaker: ${breaker.overall.count} automatic actions in the window, open ${breaker.open}`);
  assert.equal(breaker.open, false);
  assert.equal(breaker.last_tripped_at, null);
  const held = await scalar(sql`SELECT count() AS n FROM ${table(ch, 'key_actions')} WHERE mode = 'recommendation'`);
  assert.equal(held, 0, 'no automatic action held back as a recommendation');

  const clusterCases = (await api<{ cases: CaseView[] }>('analyst', '/v1/cases?kind=cluster&limit=200')).cases;
  // The hydra rule acts on a cluster alert of the case, or on the case itself once its evidence reaches the rule.
  const hydraActions = await ch.query(
    sql`SELECT api_key_id, alert_id FROM ${table(ch, 'key_actions')}
        WHERE rule = 'hydra-network' AND mode = 'enforce' AND action = 'rate_limit'`,
    z.object({ api_key_id: z.string(), alert_id: z.string() }),
  );
  const evidence = await ch.query(
    sql`SELECT case_id, alert_id FROM ${table(ch, 'case_alerts')} FINAL WHERE case_id != ''`,
    z.object({ case_id: z.string(), alert_id: z.string() }),
  );
  const caseOfAlert = new Map(evidence.map((e) => [e.alert_id, e.case_id]));
  const members = hydraActions.filter((a) =>
    clusterCases.some(
      (c) =>
        c.api_key_ids.includes(a.api_key_id) && (a.alert_id === c.case_id || caseOfAlert.get(a.alert_id) === c.case_id),
    ),
  );
  const byCase = members.filter((m) => m.alert_id.startsWith('case_')).length;
  // A member's gateway decision is the strongest of its actions: most hydra members' own key alerts also suspend
  // them (deny), which outranks the cluster's rate limit; either way the cluster's action holds them back.
  const memberDecisions = new Map<string, number>();
  for (const m of members) {
    const decision = await decisionOf(m.api_key_id);
    memberDecisions.set(decision, (memberDecisions.get(decision) ?? 0) + 1);
  }
  console.log(
    `# hydra members rate-limited through their cluster case: ${members.length} ` +
      `(${byCase} by the case's own decision, the rest by its cluster alerts); decisions now ${JSON.stringify([...memberDecisions])}`,
  );
  assert.ok(members.length >= 3, `hydra members rate-limited through a cluster case: ${members.length}`);
  const heldBack = (memberDecisions.get('limit') ?? 0) + (memberDecisions.get('deny') ?? 0);
  assert.equal(heldBack, members.length, 'every one of them is limited or, by a stronger action, denied');
});

test('resolving a key case as true positive with enforce changes its gateway decision', async () => {
  const [target] = (await api<{ cases: CaseView[] }>('analyst', '/v1/cases?kind=key&limit=1')).cases;
  // The default policy suspends on a critical key case and rate-limits a high one.
  const expected = ({ critical: 'deny', high: 'limit' } as Record<string, string>)[target?.severity ?? ''];
  assert.ok(target && expected, `a high or critical key case: ${JSON.stringify(target)}`);
  const key = target.api_key_ids[0]!;
  // The policy acted already; the customer disputes it, an analyst lifts it while the case is reviewed.
  const reason = encodeURIComponent('customer disputes the suspension; under review');
  await api('analyst', `/v1/keys/${encodeURIComponent(key)}/actions?reason=${reason}`, 'DELETE');
  const before = await decisionOf(key);
  assert.equal(before, 'allow');
  await page.goto(`${base}/ui/#/case/${target.case_id}`);
  await page.getByRole('button', { name: 'Resolve…' }).click();
  await page.locator('#resolve-dialog select[name=label]').selectOption('true_positive');
  await page.locator('#resolve-dialog textarea[name=note]').fill('bulk extraction confirmed');
  assert.equal(await page.locator('#resolve-dialog input[name=enforce]').isChecked(), true);
  await shot('resolve-dialog');
  await page.locator('#resolve-submit').click();
  await page.getByText(/Resolved as true positive\. Enforced: /).waitFor();
  const after = await pollUntil(
    `the gateway decision of ${key} to change`,
    () => decisionOf(key),
    (d) => d !== before,
    {
      timeoutMs: 10_000,
    },
  );
  assert.equal(after, expected);
  await shot('resolved');
});

test('an analyst never meets a 403 from a page in their menu', async () => {
  const entries = await page.locator('#nav a:visible').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(!entries.includes('#/investigate'), 'Investigate is for investigators');
  for (const href of entries) {
    await page.goto(`${base}/ui/${href}`);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 1360, `${href} is ${width} px wide at a 1,360 px viewport`);
  }
  await page
    .locator('#queue-results')
    .waitFor({ state: 'detached' })
    .catch(() => {});
  assert.deepEqual(forbidden, []);
  assert.deepEqual(pageErrors, []);
});
