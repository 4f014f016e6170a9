import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type ActionsServiceDeps, createActionsService } from '../../../services/actions/actions-service.ts';
import type { KeyInfo } from '../../../services/actions/key-info.ts';
import { bitingLimits, throttleFromMedians } from '../../../services/actions/throttle-limits.ts';
import type { TimeRange } from '../../../services/common/clickhouse/time-range.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { alert, fakeRecommender, MemoryAudit, MemoryTopic, testPolicy } from './fixtures.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const KEYS: Record<string, KeyInfo> = {
  'key-1': { org_id: 'org-real', last_event_ms: T0 - 5 * MIN },
  'm-1': { org_id: 'org-m', last_event_ms: T0 - HOUR },
  'm-2': { org_id: 'org-m', last_event_ms: T0 - 2 * HOUR },
};

async function setup(overrides: Partial<ActionsServiceDeps> = {}) {
  const audit = new MemoryAudit();
  const topic = new MemoryTopic();
  const ranges: TimeRange[] = [];
  const service = createActionsService({
    policy: testPolicy(),
    breaker: { maxPerWindow: 2, maxPerOrgPerWindow: 100, windowMs: HOUR },
    audit,
    topic,
    recommend: fakeRecommender({ 'key-1': { rpm: 200, tpm: 400_000 }, 'm-1': { rpm: 8, tpm: 2_000 } }, ranges),
    sweepIntervalMs: 60_000,
    logger: silentLogger,
    clock: () => T0,
    backfillLagMs: 15 * MIN,
    baselineMs: 24 * HOUR,
    keyInfo: async (k) => KEYS[k] ?? null,
    ...overrides,
  });
  closers.push(() => service.close());
  await service.start();
  return { service, audit, topic, ranges };
}

const live = (id: string, key: string, extra = {}) =>
  alert({ alert_id: id, api_key_ids: [key], raised_at: new Date(T0 - MIN).toISOString(), ...extra });

describe('backfill', () => {
  it('queues alerts far behind now as require_review without limits and outside the breaker', async () => {
    const { service, topic } = await setup();
    const old = new Date(T0 - 3 * HOUR).toISOString();
    for (let i = 0; i < 5; i++)
      await service.handleAlert(alert({ alert_id: `old-${i}`, api_key_ids: [`b${i}`], raised_at: old, score: 0.99 }));
    const decisions = [0, 1, 2, 3, 4].map((i) => service.decision(`b${i}`, T0));
    assert.ok(decisions.every((d) => d.decision === 'allow' && d.action === 'require_review'));
    assert.match(
      decisions[0]?.reason ?? '',
      /^backfill: event time 180 min behind now, queued for review instead of rate_limit/,
    );
    assert.equal(topic.log.length, 5);
    assert.equal(service.breakerStatus(T0).overall.count, 0);
    const [fresh] = await service.handleAlert(live('new-1', 'b9', { score: 0.99 }));
    assert.equal(fresh?.mode, 'enforce');
    assert.equal(fresh?.action, 'rate_limit');
  });

  it('a live alert escalates a key queued for review by a backfill alert', async () => {
    const { service } = await setup();
    await service.handleAlert(alert({ alert_id: 'old', api_key_ids: ['k'], raised_at: '2025-01-01T00:00:00Z' }));
    const [limit] = await service.handleAlert(live('live', 'k'));
    assert.equal(limit?.action, 'rate_limit');
    assert.equal(service.decision('k', T0).decision, 'limit');
  });
});

describe('breaker counts decisions', () => {
  it('a cluster alert over many keys of one org is one entry for that org; separate alerts each count', async () => {
    const { service, audit } = await setup({ breaker: { maxPerWindow: 100, maxPerOrgPerWindow: 2, windowMs: HOUR } });
    const members = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const cluster = alert({
      alert_id: 'hydra',
      kind: 'cluster',
      api_key_ids: members,
      org_ids: ['org-h'],
      raised_at: new Date(T0).toISOString(),
    });
    const actions = await service.handleAlert(cluster);
    assert.deepEqual(
      actions.map((a) => a.mode),
      Array(5).fill('enforce'),
    );
    assert.deepEqual(service.breakerStatus(T0).orgs, [{ org_id: 'org-h', count: 1, limit: 2, tripped: false }]);
    await service.handleAlert(live('k-a', 'solo-1', { org_ids: ['org-h'] }));
    const [held] = await service.handleAlert(live('k-b', 'solo-2', { org_ids: ['org-h'] }));
    assert.equal(held?.mode, 'recommendation');
    assert.equal(audit.rows.length, 7);
  });
});

describe('no repeated action', () => {
  it('skips a key that already has the same or a stronger kind active, escalates to a stronger one', async () => {
    const { service, audit } = await setup({ breaker: { maxPerWindow: 100, maxPerOrgPerWindow: 100, windowMs: HOUR } });
    assert.equal((await service.handleAlert(live('a1', 'k'))).length, 1);
    assert.deepEqual(await service.handleAlert(live('a2', 'k')), []);
    assert.deepEqual(await service.handleAlert(live('a3', 'k', { severity: 'medium', score: 0.5 })), []);
    const cluster = alert({
      alert_id: 'c1',
      kind: 'cluster',
      api_key_ids: ['k', 'x', 'y'],
      raised_at: new Date(T0).toISOString(),
    });
    assert.deepEqual(
      (await service.handleAlert(cluster)).map((a) => [a.api_key_id, a.action]),
      [
        ['k', 'suspend'],
        ['x', 'suspend'],
        ['y', 'suspend'],
      ],
    );
    assert.deepEqual(await service.handleAlert(live('a4', 'x')), []);
    assert.equal(audit.rows.length, 4);
    assert.equal(service.decision('k', T0).decision, 'deny');
  });
});

describe('limits that bite', () => {
  it("lowers the policy's rpm/tpm to a fraction of the key's median from the day before the alert", async () => {
    const { service, ranges } = await setup();
    const [a] = await service.handleAlert(live('bite', 'key-1'));
    assert.deepEqual([a?.rpm, a?.tpm], [10, 5000]);
    const [b] = await service.handleAlert(live('bite-m', 'm-1'));
    assert.deepEqual([b?.rpm, b?.tpm], [2, 1000]);
    assert.match(b?.reason ?? '', /limits lowered to a fraction of the key's median 8 rpm/);
    assert.deepEqual(ranges[0], { fromMs: T0 - MIN - 24 * HOUR, toMs: T0 });
  });

  it('throttle = fraction × median with floors; the policy keeps a limit it did not set out', () => {
    const o = { fraction: 0.25, floorRpm: 2, floorTpm: 1000 };
    assert.deepEqual(throttleFromMedians(120, 80_000, o), { rpm: 30, tpm: 20_000 });
    assert.deepEqual(throttleFromMedians(3, 100, o), { rpm: 2, tpm: 1000 });
    const rec = { throttle: { rpm: 30, tpm: 20_000 } } as Parameters<typeof bitingLimits>[1];
    assert.deepEqual(bitingLimits({ rpm: 50, tpm: null }, rec), { rpm: 30, tpm: null });
    assert.deepEqual(bitingLimits({ rpm: 10, tpm: 50_000 }, rec), { rpm: 10, tpm: 20_000 });
    assert.deepEqual(bitingLimits({ rpm: 10, tpm: 5 }, null), { rpm: 10, tpm: 5 });
  });
});

describe('manual actions', () => {
  it("stores the key's real org and returns the first action for a repeated idempotency key", async () => {
    const { service, audit, topic } = await setup();
    const input = {
      api_key_id: 'key-1',
      org_id: 'typed-by-hand',
      action: 'suspend' as const,
      durationMs: HOUR,
      reason: 'probe',
      actor: 'ann',
      idempotency_key: 'req-1',
    };
    const first = await service.applyManual(input);
    const again = await service.applyManual(input);
    assert.equal(first.org_id, 'org-real');
    assert.deepEqual(again, first);
    assert.equal(audit.rows.length, 1);
    assert.equal(topic.log.length, 1);
    const other = await service.applyManual({ ...input, actor: 'bob' });
    assert.notEqual(other.action_id, first.action_id);
    const unknown = await service.applyManual({ ...input, api_key_id: 'never-seen', idempotency_key: undefined });
    assert.equal(unknown.org_id, 'typed-by-hand');
  });
});

describe('throttle keys and enforce cases', () => {
  it('throttles each member at its own derived limit, skips keys without history, lifts on a benign resolution', async () => {
    const { service } = await setup();
    const outcome = await service.throttleKeys({
      api_key_ids: ['m-1', 'm-2', 'm-1'],
      durationMs: HOUR,
      reason: 'hydra members',
      actor: 'ann',
      source_id: 'case-7',
    });
    assert.deepEqual(
      outcome.actions.map((a) => [a.api_key_id, a.org_id, a.rpm, a.tpm, a.mode, a.alert_id]),
      [['m-1', 'org-m', 2, 1000, 'enforce', 'case-7']],
    );
    assert.deepEqual(outcome.skipped, [{ api_key_id: 'm-2', reason: 'no usage history to derive a throttle from' }]);
    assert.deepEqual(service.decision('m-1', T0).limits, { rpm: 2, tpm: 1000 });
    const again = await service.throttleKeys({ api_key_ids: ['m-1'], durationMs: HOUR, reason: 'x', actor: 'ann' });
    assert.deepEqual(
      again.skipped.map((s) => s.reason),
      ['the key already has an active action at least as strong'],
    );
    const lifts = await service.onAlertResolved({
      alert_id: 'case-7',
      api_key_ids: ['m-1'],
      label: 'false_positive',
      actor: 'ann',
    });
    assert.equal(lifts.length, 1);
    assert.equal(service.decision('m-1', T0).decision, 'allow');
  });

  it('a throttle under a dry_run policy is audited, not enforced', async () => {
    const { service, topic } = await setup({ policy: testPolicy('dry_run') });
    const { actions } = await service.throttleKeys({ api_key_ids: ['m-1'], durationMs: HOUR, reason: 'x', actor: 'a' });
    assert.equal(actions[0]?.mode, 'dry_run');
    assert.equal(topic.log.length, 0);
  });

  it('enforces a true-positive case through the policy, outside the breaker, idempotently', async () => {
    const { service, audit } = await setup({ breaker: { maxPerWindow: 1, maxPerOrgPerWindow: 1, windowMs: HOUR } });
    const c = {
      case_id: 'case-1',
      kind: 'cluster' as const,
      api_key_ids: ['m-1', 'm-2', 'key-1'],
      severity: 'medium' as const,
      category: 'hydra_network',
      actor: 'ann',
    };
    const outcome = await service.enforceCase(c);
    assert.deepEqual(
      outcome.actions.map((a) => [a.api_key_id, a.org_id, a.action, a.mode, a.actor, a.rule]),
      [
        ['m-1', 'org-m', 'suspend', 'enforce', 'ann', 'big-cluster'],
        ['m-2', 'org-m', 'suspend', 'enforce', 'ann', 'big-cluster'],
        ['key-1', 'org-real', 'suspend', 'enforce', 'ann', 'big-cluster'],
      ],
    );
    assert.match(outcome.actions[0]?.reason ?? '', /^case case-1 confirmed by ann; policy rule big-cluster/);
    assert.equal(service.breakerStatus(T0).overall.count, 0);
    assert.deepEqual((await service.enforceCase(c)).actions, outcome.actions);
    assert.equal(audit.rows.length, 3);
    const keyCase = await service.enforceCase({ ...c, case_id: 'case-2', kind: 'key', api_key_ids: ['k-low'] });
    assert.deepEqual(
      keyCase.actions.map((a) => [a.action, a.rpm]),
      [['require_review', null]],
    );
    const none = await service.enforceCase({
      ...c,
      case_id: 'case-3',
      kind: 'key',
      severity: 'low',
      api_key_ids: ['z'],
    });
    assert.deepEqual(none.actions, []);
    assert.match(none.skipped[0]?.reason ?? '', /no policy rule matches a low key case/);
  });
});
