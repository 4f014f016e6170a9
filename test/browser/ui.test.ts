import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createActionsServiceFromConfig } from '../../services/actions/actions-boot.ts';
import type { ActionsService } from '../../services/actions/actions-service.ts';
import { insertAlerts } from '../../services/alerts-store/insert-alerts.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { testClickHouse, testConfig } from '../helpers/infra.ts';
import { type Harness, startHarness } from '../integration/api/harness.ts';
import { seedAlerts, seedUsage } from '../integration/api/seed.ts';
import { chromiumPath } from './system.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let h: Harness;
let actions: ActionsService;
let browser: Browser;
let page: Page;
let base: string;
const pageErrors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The seed is dated March 2026; treat it as live traffic, not a backfill queued for review.
  const config = testConfig({ DG_ACTIONS_BACKFILL_LAG_MS: String(10 * 365 * 86_400_000) });
  const ch = await testClickHouse(config);
  actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
  await actions.start();
  h = await startHarness({
    actions,
    env: { DG_CLICKHOUSE_DATABASE: config.clickhouse.database, DG_TOPIC_KEY_ACTIONS: config.kafka.topics.keyActions },
  });
  await ch.close();
  await seedUsage(h.ch, Date.now());
  const stored = await insertAlerts(h.ch, seedAlerts(), Date.now());
  // Key alerts only, so key-a's one automatic throttle comes from alert-a1 (the cluster alert would add a second).
  for (const alert of stored.filter((a) => a.kind === 'key'))
    await actions.handleAlert(alert, { suppressed: alert.suppressed });
  assert.equal(actions.decision('key-a', Date.now()).decision, 'limit', 'seed: alert-a1 throttles key-a');
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  await actions?.close();
  await h?.close();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}ui-${name}.png`, fullPage: true });

test('sign in, filter the queue, resolve an alert as false positive, see the automatic throttle lifted', async () => {
  await page.goto(`${base}/ui`);
  await page.getByLabel('Token').fill(h.tokenOf('analyst'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Case queue' }).waitFor();
  await page.goto(`${base}/ui/#/alerts`);
  await page.getByRole('heading', { name: 'Alerts' }).waitFor();
  await page.locator('#queue-results tbody tr').nth(3).waitFor();
  assert.equal(await page.locator('#queue-results tbody tr').count(), 4);

  await page.locator('select[name=severity]').selectOption('high');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('1 alert(s)').waitFor();
  await shot('queue');
  await page.locator('#queue-results').getByRole('link', { name: 'Open' }).click();

  await page.getByRole('heading', { name: /Alert alert-a1/ }).waitFor();
  assert.equal(await page.locator('table').first().locator('tbody tr').count(), 2, 'two reasons');
  await page.locator('svg.chart polyline').first().waitFor({ state: 'attached' });
  await shot('alert');
  await page.locator('select[name=label]').selectOption('false_positive');
  await page.locator('textarea[name=note]').fill('known batch evaluation job');
  await page.locator('#resolve').click();
  await page.getByText('Resolved. Lifted 1 automatic action(s).').waitFor();
  assert.equal(actions.decision('key-a', Date.now()).decision, 'allow');

  await page.locator('dl.facts').getByRole('link', { name: 'key-a' }).click();
  await page.getByRole('heading', { name: /Key key-a/ }).waitFor();
  const decision = (await page.locator('#decision').textContent()) ?? '';
  assert.match(decision, /allow/);
  await page.getByRole('heading', { name: 'Active actions (0)' }).waitFor();
  const history = (await page.locator('table').last().textContent()) ?? '';
  assert.match(history, /lift/);
  assert.match(history, /resolved as false_positive/);
  await shot('key');
  assert.deepEqual(pageErrors, []);
});

test('cluster, actions log and investigator pages render their data', async () => {
  await page.goto(`${base}/ui/#/cluster/alert-ac`);
  await page.getByRole('heading', { name: 'Shared evidence' }).waitFor();
  const shared = (await page.locator('table').last().textContent()) ?? '';
  assert.match(shared, /203\.0\.113\.7/);
  await shot('cluster');

  await page.goto(`${base}/ui/#/suppressions`);
  await page.locator('input[name=value]').fill("key-d'); <b>x</b>");
  await page.locator('input[name=reason]').fill('internal load test');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByText('Rule added').waitFor();
  assert.match((await page.locator('table').textContent()) ?? '', /key-d'\); <b>x<\/b>/, 'rendered as text');
  assert.equal(await page.locator('table b').count(), 0, 'no markup from data');
  await shot('suppressions');

  await page.goto(`${base}/ui/#/actions`);
  await page.getByRole('heading', { name: 'Actions log' }).waitFor();
  await page.locator('tbody tr').first().waitFor();
  assert.match((await page.locator('table').textContent()) ?? '', /rate_limit/);
  await shot('actions');

  await page.evaluate((token) => sessionStorage.setItem('distillguard.token', token), h.tokenOf('investigator'));
  await page.goto(`${base}/ui/#/investigate`);
  await page.locator('input[name=key]').fill('key-a');
  await page.locator('input[name=from]').fill('2026-03-01T00:00:00Z');
  await page.locator('input[name=to]').fill('2026-03-01T06:00:00Z');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.locator('#query-results svg.chart polyline').first().waitFor({ state: 'attached' });
  assert.equal(await page.locator('#query-results tbody tr').count(), 6);
  await shot('investigate');
  assert.deepEqual(pageErrors, []);
});
