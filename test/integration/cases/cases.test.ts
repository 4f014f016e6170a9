import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { createActionsServiceFromConfig } from '../../../services/actions/actions-boot.ts';
import type { ActionsService } from '../../../services/actions/actions-service.ts';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { createSuppressionStore } from '../../../services/alerts-store/suppression-store.ts';
import { createCaseProjector } from '../../../services/cases/case-projector.ts';
import type { CaseRow } from '../../../services/cases/case-queries.ts';
import type { CaseView } from '../../../services/cases/case-view.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { createTestTopics, testClickHouse, testConfig, testKafka } from '../../helpers/infra.ts';
import { type Harness, startHarness } from '../api/harness.ts';
import { HOUR, seedUsage, T0 } from '../api/seed.ts';

let h: Harness;
let actions: ActionsService;
const NOW = Date.now();

before(async () => {
  const config = testConfig();
  const ch = await testClickHouse(config);
  // Created before the service starts, so its first offset query does not race the new topic's leader election.
  await createTestTopics(testKafka(config), [
    { topic: config.kafka.topics.keyActions, partitions: 4, compacted: true },
  ]);
  actions = createActionsServiceFromConfig(config, silentLogger, { clickhouse: ch });
  await actions.start();
  h = await startHarness({
    actions,
    now: () => NOW,
    env: { DG_CLICKHOUSE_DATABASE: config.clickhouse.database, DG_TOPIC_KEY_ACTIONS: config.kafka.topics.keyActions },
  });
  await ch.close();
  await seedUsage(h.ch, NOW);
});
after(async () => {
  await actions?.close();
  await h?.close();
});

function alert(
  id: string,
  keys: string[],
  severity: Alert['severity'],
  hour: number,
  extra: Partial<Alert> = {},
): Alert {
  const score = { low: 0.5, medium: 0.7, high: 0.9, critical: 0.97 }[severity];
  return {
    alert_id: id,
    kind: keys.length > 1 ? 'cluster' : 'key',
    api_key_ids: keys,
    org_ids: keys.map(() => 'org-1'),
    score,
    severity,
    raised_at: new Date(T0 + hour * HOUR).toISOString(),
    category: keys.length > 1 ? 'hydra_network' : 'bulk_distillation',
    reasons: [
      {
        feature: 'req_per_hour',
        value: 1261,
        baseline: 12,
        percentile: 99.9,
        contribution: 0.5,
        scorer: 'rule',
        detail: 'bulk: >= 600',
      },
      { feature: 'req_per_hour', value: 1261, baseline: 12, percentile: 99.9, contribution: 0.2, scorer: 'population' },
      {
        feature: 'long_output_share',
        value: 0.96,
        baseline: 0.1,
        percentile: 99,
        contribution: 0.3,
        scorer: 'rule',
        detail: 'bulk: >= 0.5',
      },
    ],
    evidence_event_ids: [],
    escalates: null,
    ...extra,
  };
}

const projector = () => createCaseProjector(h.ch, { now: () => NOW, logger: silentLogger, batchSize: 3 });

async function store(alerts: Alert[]): Promise<number> {
  await insertAlerts(h.ch, alerts, NOW);
  return projector().foldPending();
}

async function get(url: string) {
  const r = await h.app.inject({ url, headers: h.as('analyst') });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

async function openCases(): Promise<CaseView[]> {
  return (await get('/v1/cases?limit=200')).cases;
}

const caseOf = async (key: string) => (await openCases()).find((c) => c.api_key_ids.includes(key));

test('repeats, escalations and category changes of one key add evidence to its one open case', async () => {
  const folded = await store([
    alert('a1', ['key-a'], 'medium', 1),
    alert('a2', ['key-a'], 'medium', 2),
    alert('a3', ['key-a'], 'critical', 3, { escalates: 'a2' }),
    alert('a4', ['key-a'], 'high', 4, { category: 'cot_harvesting' }),
  ]);
  assert.equal(folded, 4);
  const c = await caseOf('key-a');
  assert.ok(c);
  assert.equal(c.alert_count, 4);
  assert.equal(c.severity, 'critical');
  assert.equal(c.score, 0.97);
  assert.deepEqual([...c.categories].sort(), ['bulk_distillation', 'cot_harvesting']);
  assert.equal(c.last_evidence_at, new Date(T0 + 4 * HOUR).toISOString());
  assert.equal(c.top_alert_id, 'a3');
  assert.match(c.top_reason, /sent 1,261 requests in an hour \(typical for its cohort: 12\)/i);
  assert.equal(c.gateway.decision, 'allow');
});

test('member keys fold into their cluster case; earlier key cases of members are merged into it', async () => {
  await store([alert('m1', ['key-m1'], 'high', 1), alert('m2', ['key-m2'], 'medium', 1)]);
  assert.ok(await caseOf('key-m1'));
  await store([alert('c1', ['key-m1', 'key-m2', 'key-m3'], 'medium', 2)]);
  await store([alert('m3', ['key-m3'], 'low', 3), alert('c2', ['key-m3', 'key-m4'], 'high', 4, { escalates: 'c1' })]);
  const cases = (await openCases()).filter((x) => x.api_key_ids.some((k: string) => k.startsWith('key-m')));
  assert.equal(cases.length, 1, 'one case for the whole network');
  const [cluster] = cases;
  assert.equal(cluster!.kind, 'cluster');
  assert.deepEqual([...cluster!.api_key_ids].sort(), ['key-m1', 'key-m2', 'key-m3', 'key-m4']);
  assert.equal(cluster!.alert_count, 5, 'm1, m2 (merged), c1, m3, c2');
  assert.equal(cluster!.severity, 'high');
  const merged = await get('/v1/cases?status=merged');
  assert.equal(merged.total, 2);
  assert.ok(merged.cases.every((x: { merged_into: string }) => x.merged_into === cluster!.case_id));
  const link = await get('/v1/alerts/m1/case');
  assert.equal(link.case_id, cluster!.case_id);
});

test('redelivered alerts and a restarted projector change nothing; suppressed alerts join no case', async () => {
  const before = await get('/v1/cases?limit=200');
  await insertAlerts(
    h.ch,
    [alert('a1', ['key-a'], 'medium', 1), alert('c1', ['key-m1', 'key-m2', 'key-m3'], 'medium', 2)],
    NOW,
  );
  assert.equal(await projector().foldPending(), 0, 'already folded');
  await createSuppressionStore(h.ch, () => NOW).create(
    { scope: 'key', value: 'key-s', reason: 'load test', expires_at: '2099-01-01T00:00:00Z' },
    'analyst-1',
  );
  assert.equal(await store([alert('s1', ['key-s'], 'critical', 5)]), 1);
  assert.equal(await projector().foldPending(), 0, 'a suppressed alert is set aside once');
  assert.deepEqual(await get('/v1/alerts/s1/case'), { case_id: null });
  const after = await get('/v1/cases?limit=200');
  assert.deepEqual(after, before);
});

test('the queue is sorted by severity then score, filters, and reports the total beyond the page', async () => {
  await store([alert('b1', ['key-b'], 'low', 1), alert('d1', ['key-d'], 'high', 1, { score: 0.85 })]);
  const all = await get('/v1/cases?limit=200');
  const ranks = all.cases.map((c: { severity: string }) => ['low', 'medium', 'high', 'critical'].indexOf(c.severity));
  assert.deepEqual(
    ranks,
    [...ranks].sort((x, y) => y - x),
  );
  assert.equal(all.total, all.cases.length);
  const page = await get('/v1/cases?limit=1');
  assert.equal(page.cases.length, 1);
  assert.equal(page.total, all.total);
  assert.equal(page.cases[0].case_id, all.cases[0].case_id);
  const high = await get('/v1/cases?severity=high');
  assert.equal(high.total, 2);
  assert.ok(
    all.cases.every((c: { severity: string }) => c.severity !== 'low'),
    'informational cases stay out of the default queue',
  );
  const withInformational = await get('/v1/cases?limit=200&min_severity=low');
  assert.equal(withInformational.total, all.total + 1, 'the low case of key-b is there when asked for');
  assert.deepEqual((await get('/v1/cases?severity=low')).cases.length, 1);
  const cot = await get('/v1/cases?category=cot_harvesting');
  assert.deepEqual(
    cot.cases.map((c: { api_key_ids: string[] }) => c.api_key_ids),
    [['key-a']],
  );
});

test('resolving: audited, conflicts when repeated, enforce on a true positive changes the gateway decision', async () => {
  const c = await caseOf('key-a');
  const resolve = (id: string, payload: object) =>
    h.app.inject({ method: 'POST', url: `/v1/cases/${id}/resolve`, payload, headers: h.as('analyst') });
  const bad = await resolve(c!.case_id, { label: 'false_positive', enforce: true });
  assert.equal(bad.statusCode, 400);
  const forbidden = await h.app.inject({
    method: 'POST',
    url: `/v1/cases/${c!.case_id}/resolve`,
    payload: { label: 'true_positive' },
    headers: h.as('investigator'),
  });
  assert.equal(forbidden.statusCode, 403);
  const done = await resolve(c!.case_id, { label: 'true_positive', note: 'confirmed', enforce: true });
  assert.equal(done.statusCode, 200, done.body);
  const body = done.json();
  assert.equal(body.action_error, undefined);
  assert.equal(body.case.status, 'resolved');
  assert.equal(body.labelled_alerts, 4, 'a1..a4 take the case label');
  const labelled = await get('/v1/alerts?status=resolved&key=key-a');
  assert.deepEqual(
    labelled.alerts.map((a: { label: string }) => a.label),
    Array(4).fill('true_positive'),
  );
  assert.ok(body.enforced_actions.length >= 1, JSON.stringify(body));
  assert.equal(actions.decision('key-a', Date.now()).decision, 'deny', 'critical key case → suspend');
  assert.equal((await resolve(c!.case_id, { label: 'true_positive' })).statusCode, 409);
  const detail = await get(`/v1/cases/${c!.case_id}`);
  assert.equal(detail.case.gateway.decision, 'deny');
  assert.deepEqual(
    detail.history.map((e: { action: string; after: { label: string } }) => [e.action, e.after.label]),
    [['resolve', 'true_positive']],
  );
  assert.equal(await caseOf('key-a'), undefined, 'out of the open queue');
  await store([alert('a5', ['key-a'], 'high', 9)]);
  const reopened = await caseOf('key-a');
  assert.notEqual(reopened?.case_id, c!.case_id, 'new evidence after resolution opens a new case');
});

test('the case page has sentences per category, its alerts, members and evidence with a range for Investigate', async () => {
  const c = (await openCases()).find((x) => x.kind === 'cluster');
  const d = await get(`/v1/cases/${c!.case_id}`);
  assert.equal(d.alerts.length, 5);
  assert.deepEqual(d.members.map((m: { api_key_id: string }) => m.api_key_id).sort(), [
    'key-m1',
    'key-m2',
    'key-m3',
    'key-m4',
  ]);
  assert.ok(d.reasons.length >= 2);
  assert.match(d.reasons[0].sentences[0].text, /1,261 requests in an hour/i);
  assert.ok(Date.parse(d.investigate.from) < Date.parse(d.investigate.to));
  const missing = await h.app.inject({ url: '/v1/cases/case_nope', headers: h.as('analyst') });
  assert.equal(missing.statusCode, 404);
});

test('after each batch the projector hands the open cluster cases it touched, with their evidence, to the policy', async () => {
  const seen: CaseRow[][] = [];
  const p = createCaseProjector(h.ch, {
    now: () => NOW,
    logger: silentLogger,
    onClusterCases: async (touched) => {
      seen.push(touched);
    },
  });
  await insertAlerts(h.ch, [alert('x-c1', ['key-x1', 'key-x2', 'key-x3'], 'medium', 1)], NOW);
  await p.foldPending();
  await insertAlerts(h.ch, [alert('x-k1', ['key-x1'], 'critical', 2), alert('x-k9', ['key-x9'], 'high', 2)], NOW);
  await p.foldPending();
  assert.deepEqual(
    seen.map((batch) => batch.map((c) => [c.kind, c.api_key_ids.length, c.severity, c.alert_count])),
    [[['cluster', 3, 'medium', 1]], [['cluster', 3, 'critical', 2]]],
    "a member's critical key alert raises its cluster case; the unrelated key case is not handed over",
  );
});
