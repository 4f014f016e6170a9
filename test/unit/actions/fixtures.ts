import type { Alert } from '../../../schemas/alert-v1.ts';
import type { ActionAudit } from '../../../services/actions/action-audit.ts';
import type { KeyAction, KeyActionState, LimitRecommendation } from '../../../services/actions/action-schema.ts';
import type { KeyActionsTopic, KeyStateListener } from '../../../services/actions/key-actions-topic.ts';
import { parsePolicy } from '../../../services/actions/policy.ts';
import type { TimeRange } from '../../../services/common/clickhouse/time-range.ts';

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    alert_id: 'alert-1',
    kind: 'key',
    api_key_ids: ['key-1'],
    org_ids: ['org-1'],
    score: 0.9,
    severity: 'high',
    raised_at: '2025-03-01T12:00:00.000Z',
    category: 'bulk_distillation',
    reasons: [
      { feature: 'output_input_ratio', value: 40, baseline: 2, percentile: 99.9, contribution: 0.6, scorer: 'rule' },
    ],
    evidence_event_ids: ['e1'],
    escalates: null,
    ...overrides,
  };
}

/** high+ → rate_limit 1h; medium → require_review 2h; clusters ≥ 3 → suspend 30m. */
export function testPolicy(mode: 'enforce' | 'dry_run' = 'enforce') {
  return parsePolicy({
    version: 1,
    mode,
    rules: [
      {
        name: 'big-cluster',
        when: { kind: ['cluster'], min_cluster_size: 3 },
        action: { type: 'suspend', duration: '30m' },
      },
      {
        name: 'high',
        when: { min_severity: 'high', min_score: 0.8 },
        action: { type: 'rate_limit', rpm: 10, tpm: 5000, duration: '1h' },
      },
      { name: 'medium', when: { min_severity: 'medium' }, action: { type: 'require_review', duration: '2h' } },
    ],
  });
}

/** A recommender over fixed per-key medians (requests and tokens per active minute); keys not listed have no history. */
export function fakeRecommender(medians: Record<string, { rpm: number; tpm: number }> = {}, calls: TimeRange[] = []) {
  return async (api_key_id: string, range: TimeRange): Promise<LimitRecommendation> => {
    calls.push(range);
    const m = medians[api_key_id];
    const pct = (v: number) => ({ p50: v, p90: v * 2, p99: v * 3, max: v * 4 });
    return {
      api_key_id,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      active_minutes: m ? 60 : 0,
      requests_per_minute: m ? pct(m.rpm) : null,
      tokens_per_minute: m ? pct(m.tpm) : null,
      suggested: m ? { rpm: m.rpm * 3, tpm: m.tpm * 3 } : null,
      throttle: m ? { rpm: Math.max(1, Math.floor(m.rpm / 4)), tpm: Math.max(1000, Math.floor(m.tpm / 4)) } : null,
    };
  };
}

/** The audit port in memory. */
export class MemoryAudit implements ActionAudit {
  rows: KeyAction[] = [];
  async record(actions: KeyAction[]): Promise<void> {
    this.rows.push(...actions);
  }
  async find(apiKeyIds: string[], actionIds: string[]): Promise<KeyAction[]> {
    return this.rows.filter((r) => apiKeyIds.includes(r.api_key_id) && actionIds.includes(r.action_id));
  }
  async list() {
    return { items: [...this.rows].reverse(), next_cursor: null };
  }
  async close(): Promise<void> {}
}

/** The topic port in memory: a shared log that several service instances read and follow. */
export class MemoryTopic implements KeyActionsTopic {
  private readonly listeners: KeyStateListener[] = [];
  constructor(readonly log: Array<{ key: string; value: KeyActionState | null }> = []) {}
  async start(onRecord: KeyStateListener): Promise<void> {
    for (const r of this.log) onRecord(r.key, r.value);
    this.listeners.push(onRecord);
  }
  async publish(apiKeyId: string, state: KeyActionState | null): Promise<void> {
    this.log.push({ key: apiKeyId, value: state });
    for (const l of this.listeners) l(apiKeyId, state);
  }
  async close(): Promise<void> {}
}
