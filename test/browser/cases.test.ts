import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { z } from 'zod';
import { table } from '../../services/alerts-store/table.ts';
import type { Role } from '../../services/auth/roles.ts';
import { createTokenStore } from '../../services/auth/token-store.ts';
import { sql } from '../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { createTestTopics, testClickHouse, testKafka } from '../helpers/infra.ts';
import { pollUntil } from '../helpers/poll.ts';
import { Command, chromiumPath, freePort, privateEnv } from './system.ts';

// A real `stream` and `serve` on a private database and topics, fed six simulated hours with two 30-key hydra
// networks (tens of alerts with today's detector; hundreds would take longer than a browser test should).
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const WORK = mkdtempSync(`${tmpdir()}/dg-browser-`);
const EVENTS_FILE = `${WORK}/events.jsonl`;
const SIMULATION = ['--seed', '11', '--hours', '6', '--keys-scale', '0.5', '--hydra-members', '30'];
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
  execFileSync(`${new URL('../../bin/distillguard', import.meta.url).pathname}`, [
    'simulate',
    ...SIMULATION,
    '--out',
    EVENTS_FILE,
  ]);
  const lines = readFileSync(EVENTS_FILE, 'utf8').split('\n').filter(Boolean);
  const producer = testKafka(loadConfig({ ...process.env, ...env })).producer();
  await producer.connect();
  for (let i = 0; i < lines.length; i += 2_000) {
    const messages = lines.slice(i, i + 2_000).map((value) => ({ key: JSON.parse(value).api_key_id, value }));
    await producer.send({ topic: env.DG_TOPIC_EVENTS!, messages });
  }
  await producer.disconnect();
  return lines.length;
}

/** Every event stored, the alert count unchanged across two polls, and every alert folded into a case. */
async function settled(events: number): Promise<void> {
  let lastAlerts = -1;
  const started = Date.now();
  const done = await pollUntil(
    'the stream to store every event and the cases to absorb every alert',
    async () => {
      if (!stream.running || !serve.running) throw new Error('stream or serve exited; see test-artifacts/cases-*.log');
      const stored = await scalar(sql`SELECT uniqExact(event_id) AS n FROM ${table(ch, 'usage_events')}`);
      const alerts = await scalar(sql`SELECT count() AS n FROM ${table(ch, 'alerts')} FINAL`);
      const folded = await scalar(sql`SELECT uniqExact(alert_id) AS n FROM ${table(ch, 'case_alerts')}`);
      const steady = alerts === lastAlerts;
      lastAlerts = alerts;
      return { stored, alerts, folded, steady, s: Math.round((Date.now() - started) / 1000) };
    },
    (s) => s.stored === events && s.steady && s.alerts > 0 && s.folded === s.alerts,
    { timeoutMs: 150_000, intervalMs: 4_000 },
  );
  console.log(`# settled: ${JSON.stringify(done)}`);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  env = privateEnv(port);
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
  rmSync(WORK, { recursive: true, force: true });
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

async function decisionOf(key: string): Promise<string> {
  const r = await fetch(`${base}/v1/keys/${encodeURIComponent(key)}/decision`, {
    headers: { authorization: `Bearer ${tokens.get('gateway')}` },
  });
  return ((await r.json()) as { decision: string }).decision;
}

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
  assert.ok(alerts >= 30, `tens of alerts expected, got ${alerts}`);
  assert.ok(total > 0 && total <= keys + clusters, `${total} cases for ${keys} keys and ${clusters} clusters`);
  assert.ok(total < alerts / 2, `${total} cases for ${alerts} alerts`);
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

test('resolving a key case as true positive with enforce changes its gateway decision', async () => {
  const r = await fetch(`${base}/v1/cases?kind=key&limit=1`, {
    headers: { authorization: `Bearer ${tokens.get('analyst')}` },
  });
  type Case = { case_id: string; api_key_ids: string[]; severity: string };
  const [target] = ((await r.json()) as { cases: Case[] }).cases;
  // The default policy suspends on a critical key case and rate-limits a high one.
  const expected = ({ critical: 'deny', high: 'limit' } as Record<string, string>)[target?.severity ?? ''];
  assert.ok(target && expected, `a high or critical key case: ${JSON.stringify(target)}`);
  const key = target.api_key_ids[0]!;
  const before = await decisionOf(key);
  assert.notEqual(before, 'deny');
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
