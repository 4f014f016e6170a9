import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { CaseEvidence, KeyAction } from '../../../services/actions/action-schema.ts';
import { type ActionsServiceDeps, createActionsService } from '../../../services/actions/actions-service.ts';
import type { BreakerTrip } from '../../../services/actions/circuit-breaker.ts';
import { loadPolicy } from '../../../services/actions/policy.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { alert, fakeRecommender, MemoryAudit, MemoryTopic, testPolicy } from './fixtures.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');
const HOUR = 3_600_000;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setup(overrides: Partial<ActionsServiceDeps> = {}) {
  const audit = new MemoryAudit();
  const topic = new MemoryTopic();
  const clock = { now: T0 };
  const trips: BreakerTrip[] = [];
  const reported: KeyAction[] = [];
  const service = createActionsService({
    policy: testPolicy(),
    breaker: { maxPerWindow: 100, maxPerOrgPerWindow: 100, windowMs: HOUR },
    audit,
    topic,
    recommend: fakeRecommender(),
    sweepIntervalMs: 60_000,
    logger: silentLogger,
    clock: () => clock.now,
    onBreakerTrip: (t) => trips.push(t),
    onActions: (a) => reported.push(...a),
    ...overrides,
  });
  closers.push(() => service.close());
  return { service, audit, topic, clock, trips, reported };
}

describe('automatic actions', () => {
  it('enforces the matched rule: audit row, topic state and a limit decision', async () => {
    const { service, audit, topic } = setup();
    await service.start();
    const [action] = await service.handleAlert(alert());
    assert.equal(action?.mode, 'enforce');
    assert.equal(action?.rule, 'high');
    assert.equal(action?.actor, 'system:policy');
    assert.equal(action?.alert_id, 'alert-1');
    assert.equal(action?.expires_at_ms, T0 + HOUR);
    assert.deepEqual(audit.rows, [action]);
    assert.deepEqual(
      topic.log.map((r) => [r.key, r.value?.actions.map((a) => a.action_id)]),
      [['key-1', [action?.action_id]]],
    );
    assert.deepEqual(service.decision('key-1', T0), {
      decision: 'limit',
      limits: { rpm: 10, tpm: 5000 },
      reason: action?.reason,
      expires_at: new Date(T0 + HOUR).toISOString(),
      action_id: action?.action_id,
      action: 'rate_limit',
    });
  });

  it('dry_run audits what would happen and never publishes', async () => {
    const { service, audit, topic } = setup({ policy: testPolicy('dry_run') });
    await service.start();
    const actions = await service.handleAlert(alert({ kind: 'cluster', api_key_ids: ['a', 'b', 'c'] }));
    assert.deepEqual(
      actions.map((a) => [a.api_key_id, a.action, a.mode]),
      [
        ['a', 'suspend', 'dry_run'],
        ['b', 'suspend', 'dry_run'],
        ['c', 'suspend', 'dry_run'],
      ],
    );
    assert.equal(audit.rows.length, 3);
    assert.equal(topic.log.length, 0);
    assert.deepEqual(service.decision('a', T0), { decision: 'allow' });
    assert.equal(service.breakerStatus(T0).overall.count, 0);
  });

  it('a redelivered alert gets the same action ids and acts once', async () => {
    const { service, audit, topic } = setup();
    await service.start();
    const first = await service.handleAlert(alert());
    const again = await service.handleAlert(alert());
    assert.deepEqual(again, first);
    assert.equal(audit.rows.length, 1);
    assert.equal(topic.log.length, 1);
    assert.equal(service.breakerStatus(T0).overall.count, 1);
    const other = setup().service;
    await other.start();
    assert.deepEqual(
      (await other.handleAlert(alert())).map((a) => a.action_id),
      first.map((a) => a.action_id),
    );
  });

  it('a burst of high-score alerts trips the breaker at exactly N; the rest become recommendations', async () => {
    const N = 5;
    const { service, audit, topic, trips } = setup({
      breaker: { maxPerWindow: N, maxPerOrgPerWindow: 100, windowMs: HOUR },
    });
    await service.start();
    for (let i = 0; i < 12; i++)
      await service.handleAlert(
        alert({ alert_id: `burst-${i}`, api_key_ids: [`k${i}`], org_ids: [`o${i}`], score: 0.99 }),
      );
    const modes = audit.rows.map((r) => r.mode);
    assert.deepEqual(modes, [...Array(N).fill('enforce'), ...Array(12 - N).fill('recommendation')]);
    assert.equal(topic.log.length, N);
    assert.match(
      audit.rows[N]!.reason,
      /^circuit breaker open: 5\/5 automatic actions in the window; policy rule high/,
    );
    assert.deepEqual(trips, [{ scope: 'overall', count: N, limit: N, at_ms: T0 }]);
    const status = service.breakerStatus(T0);
    assert.equal(status.open, true);
    assert.deepEqual(status.overall, { count: N, limit: N, tripped: true });
    assert.equal(status.recommendations_while_open, 12 - N);
    assert.deepEqual(service.decision(`k${N}`, T0), { decision: 'allow' });
  });

  it('a cluster alert over keys of many orgs is one decision for the overall limit', async () => {
    const { service, audit, trips } = setup({ breaker: { maxPerWindow: 2, maxPerOrgPerWindow: 100, windowMs: HOUR } });
    await service.start();
    const members = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const orgs = members.map((_, i) => `org${i}`);
    await service.handleAlert(alert({ alert_id: 'hydra', kind: 'cluster', api_key_ids: members, org_ids: orgs }));
    assert.equal(audit.rows.length, 30);
    assert.ok(audit.rows.every((r) => r.mode === 'enforce'));
    assert.equal(service.breakerStatus(T0).overall.count, 1);
    assert.deepEqual(trips, []);
    await service.handleAlert(alert({ alert_id: 'one-key', api_key_ids: ['solo'], org_ids: ['org-solo'] }));
    assert.equal(audit.rows.at(-1)?.mode, 'enforce');
    assert.equal(trips.length, 1, 'the second decision fills the window of 2');
  });

  it('an alert and its escalations are one decision for the overall limit, and still count in their orgs', async () => {
    const { service, audit } = setup({ breaker: { maxPerWindow: 2, maxPerOrgPerWindow: 100, windowMs: HOUR } });
    await service.start();
    const members = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
    const orgsOf = (keys: string[]) => keys.map((k) => `org-${k}`);
    const cluster = (id: string, n: number, escalates: string | null) =>
      alert({ alert_id: id, kind: 'cluster', api_key_ids: members(n), org_ids: orgsOf(members(n)), escalates });
    await service.handleAlert(cluster('c1', 3, null));
    await service.handleAlert(cluster('c2', 4, 'c1'));
    await service.handleAlert(cluster('c3', 6, 'c2'));
    assert.deepEqual(
      audit.rows.map((r) => [r.api_key_id, r.mode]),
      members(6).map((k) => [k, 'enforce']),
      'each escalation acts on the keys it adds, all enforced',
    );
    const status = service.breakerStatus(T0);
    assert.equal(status.overall.count, 1, 'the chain c1 <- c2 <- c3 is one decision');
    assert.equal(status.orgs.length, 6, 'every org of an acted-on key has its entry');
    await service.handleAlert(alert({ alert_id: 'another', api_key_ids: ['solo'], org_ids: ['org-solo'] }));
    assert.equal(service.breakerStatus(T0).overall.count, 2, 'an alert of another chain is a decision of its own');
  });

  it('the per-org limit holds back one org while others are still enforced', async () => {
    const { service, audit } = setup({ breaker: { maxPerWindow: 100, maxPerOrgPerWindow: 2, windowMs: HOUR } });
    await service.start();
    for (const [i, org] of ['acme', 'acme', 'acme', 'globex'].entries())
      await service.handleAlert(alert({ alert_id: `a${i}`, api_key_ids: [`k${i}`], org_ids: [org] }));
    assert.deepEqual(
      audit.rows.map((r) => [r.org_id, r.mode]),
      [
        ['acme', 'enforce'],
        ['acme', 'enforce'],
        ['acme', 'recommendation'],
        ['globex', 'enforce'],
      ],
    );
  });

  it('a suppressed alert only recommends and does not use the breaker', async () => {
    const { service, topic } = setup();
    await service.start();
    const [action] = await service.handleAlert(alert(), { suppressed: true });
    assert.equal(action?.mode, 'recommendation');
    assert.match(action?.reason ?? '', /^alert suppressed; /);
    assert.equal(topic.log.length, 0);
    assert.equal(service.breakerStatus(T0).overall.count, 0);
  });

  it('a cluster alert listing a key twice acts on it once, pairing orgs by position', async () => {
    const { service, topic } = setup();
    await service.start();
    const cluster = alert({ kind: 'cluster', api_key_ids: ['a', 'b', 'a', 'c'], org_ids: ['o1', 'o2', 'o1', 'o3'] });
    const actions = await service.handleAlert(cluster);
    assert.deepEqual(
      actions.map((a) => [a.api_key_id, a.org_id, a.action]),
      [
        ['a', 'o1', 'suspend'],
        ['b', 'o2', 'suspend'],
        ['c', 'o3', 'suspend'],
      ],
    );
    assert.equal(topic.log.length, 3);
  });

  it("a cluster case that reaches the hydra rule through its members' alerts limits every member once", async () => {
    const lookups: string[] = [];
    const keyInfo = async (key: string) => {
      lookups.push(key);
      return { org_id: `org-of-${key}`, last_event_ms: T0 };
    };
    const { service, audit, topic } = setup({ policy: loadPolicy(), keyInfo });
    await service.start();
    const members = ['h1', 'h2', 'h3', 'h4'];
    const medium: CaseEvidence = {
      case_id: 'case_h',
      kind: 'cluster',
      api_key_ids: members,
      org_ids: ['o-a', 'o-b'],
      severity: 'medium',
      category: 'hydra_network',
      score: 0.76,
      last_evidence_ms: T0,
    };
    assert.deepEqual(await service.handleCase({ ...medium, severity: 'low', score: 0.5 }), []);
    assert.deepEqual(lookups, [], 'no org lookups while no rule matches');
    const high: CaseEvidence = { ...medium, severity: 'high', category: 'bulk_distillation', score: 0.94 };
    const acted = await service.handleCase(high);
    assert.deepEqual(
      acted.map((a) => [a.api_key_id, a.org_id, a.action, a.mode, a.rule, a.alert_id]),
      members.map((k) => [k, `org-of-${k}`, 'rate_limit', 'enforce', 'hydra-network', 'case_h']),
    );
    assert.match(
      acted[0]!.reason,
      /^policy rule hydra-network: cluster case case_h \(bulk_distillation, severity high/,
    );
    assert.ok(members.every((k) => service.decision(k, T0).decision === 'limit'));
    assert.equal(service.breakerStatus(T0).overall.count, 1, 'the case is one decision');
    await service.handleCase(high);
    assert.equal(audit.rows.length, 4, 'the same case again acts once');
    assert.equal(topic.log.length, 4);
  });

  it('an alert that matches no rule does nothing', async () => {
    const { service, audit } = setup();
    await service.start();
    assert.deepEqual(await service.handleAlert(alert({ severity: 'low' })), []);
    assert.equal(audit.rows.length, 0);
  });
});

describe('lifting and expiry', () => {
  it('resolving as false positive lifts only what that alert caused, and a redelivery does not re-apply it', async () => {
    const { service, audit, topic, reported } = setup();
    await service.start();
    const [auto] = await service.handleAlert(alert());
    const manual = await service.applyManual({
      api_key_id: 'key-1',
      action: 'rate_limit',
      rpm: 50,
      durationMs: 2 * HOUR,
      reason: 'analyst hunch',
      actor: 'user:ana',
    });
    const lifts = await service.onAlertResolved({
      alert_id: 'alert-1',
      api_key_ids: ['key-1'],
      label: 'false_positive',
      actor: 'user:ana',
    });
    assert.deepEqual(
      lifts.map((l) => [l.action, l.target_action_id, l.actor, l.alert_id]),
      [['lift', auto?.action_id, 'user:ana', 'alert-1']],
    );
    assert.deepEqual(
      service.activeActions('key-1', T0)?.actions.map((a) => a.action_id),
      [manual.action_id],
    );
    assert.equal(service.decision('key-1', T0).limits?.rpm, 50);
    await service.handleAlert(alert());
    assert.deepEqual(
      service.activeActions('key-1', T0)?.actions.map((a) => a.action_id),
      [manual.action_id],
    );
    const lifted = await service.liftManual({ api_key_id: 'key-1', reason: 'done', actor: 'user:ana' });
    assert.deepEqual(
      lifted.map((l) => l.target_action_id),
      [manual.action_id],
    );
    assert.deepEqual(topic.log.at(-1), { key: 'key-1', value: null });
    assert.deepEqual(service.decision('key-1', T0), { decision: 'allow' });
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['rate_limit', 'rate_limit', 'lift', 'lift'],
    );
    assert.deepEqual(reported, audit.rows);
  });

  it('resolving as true positive keeps the action', async () => {
    const { service } = setup();
    await service.start();
    await service.handleAlert(alert());
    const lifts = await service.onAlertResolved({
      alert_id: 'alert-1',
      api_key_ids: ['key-1'],
      label: 'true_positive',
      actor: 'user:ana',
    });
    assert.deepEqual(lifts, []);
    assert.equal(service.decision('key-1', T0).decision, 'limit');
  });

  it('rejects a manual rate limit without rpm or tpm with a coded 400', async () => {
    const { service } = setup();
    await assert.rejects(
      service.applyManual({ api_key_id: 'k', action: 'rate_limit', durationMs: 1000, reason: 'x', actor: 'u' }),
      (e: Error & { code?: string; statusCode?: number }) =>
        e.code === 'DG_ERR_BAD_INPUT' && e.statusCode === 400 && /rate_limit needs rpm or tpm/.test(e.message),
    );
  });

  it('the sweep tombstones an expired action and audits the expiry at its expiry time', async () => {
    const { service, audit, topic, clock } = setup({ sweepIntervalMs: 5 });
    await service.start();
    const [action] = await service.handleAlert(alert());
    clock.now = T0 + HOUR;
    await pollUntil(
      'expiry tombstone',
      async () => topic.log.at(-1),
      (r) => r?.value === null,
      { timeoutMs: 5_000 },
    );
    const expiry = audit.rows.find((r) => r.action === 'expire');
    assert.equal(expiry?.target_action_id, action?.action_id);
    assert.equal(expiry?.created_at_ms, T0 + HOUR);
    assert.equal(expiry?.actor, 'system:expiry');
    assert.deepEqual(service.decision('key-1', clock.now), { decision: 'allow' });
  });

  it('a fresh instance rebuilds decisions and breaker counts from the topic', async () => {
    const breaker = { maxPerWindow: 2, maxPerOrgPerWindow: 100, windowMs: HOUR };
    const { service, topic } = setup({ breaker });
    await service.start();
    await service.handleAlert(alert({ severity: 'critical', score: 0.97 }));
    await service.handleAlert(alert({ alert_id: 'alert-2', api_key_ids: ['key-2'] }));
    const fresh = setup({ breaker, topic: new MemoryTopic(topic.log) });
    await fresh.service.start();
    assert.deepEqual(fresh.service.decision('key-1', T0), service.decision('key-1', T0));
    assert.equal(fresh.service.breakerStatus(T0).overall.count, 2);
    const [held] = await fresh.service.handleAlert(alert({ alert_id: 'alert-3', api_key_ids: ['key-3'] }));
    assert.equal(held?.mode, 'recommendation');
  });
});
