import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import { FEATURE_NAMES } from '../../../services/detector/features/feature-names.ts';
import { toUsageEventRow } from '../../../services/event-store/usage-event-row.ts';

/** A small known world: key-a and key-c share a template, an IP and a system prompt; key-b shares key-a's ASN. */
export const T0 = Date.parse('2026-03-01T00:00:00Z');
export const HOUR = 3_600_000;
export const SHARED_SIMHASH = 'aaaabbbbccccdddd';
export const SHARED_IP = '203.0.113.7';
export const SHARED_SYSTEM = 'f'.repeat(64);

const KEYS = [
  {
    key: 'key-a',
    org: 'org-1',
    ip: SHARED_IP,
    asn: 64501,
    simhash: SHARED_SIMHASH,
    system: SHARED_SYSTEM,
    perHour: 30,
  },
  { key: 'key-b', org: 'org-1', ip: '198.51.100.2', asn: 64501, simhash: '1111222233334444', system: '', perHour: 10 },
  {
    key: 'key-c',
    org: 'org-2',
    ip: SHARED_IP,
    asn: 64777,
    simhash: SHARED_SIMHASH,
    system: SHARED_SYSTEM,
    perHour: 20,
  },
  { key: 'key-d', org: 'org-3', ip: '192.0.2.9', asn: 64999, simhash: '5555666677778888', system: '', perHour: 5 },
] as const;

/** Six hours of events per key; event ids are `<key>-<n>`. */
export function seedEvents(): UsageEvent[] {
  const events: UsageEvent[] = [];
  for (const k of KEYS) {
    const total = k.perHour * 6;
    for (let i = 0; i < total; i++) {
      events.push({
        event_id: `${k.key}-${i}`,
        ts: T0 + Math.floor((i * 6 * HOUR) / total),
        api_key_id: k.key,
        org_id: k.org,
        model: 'model-x',
        input_tokens: 100 + (i % 7),
        output_tokens: 1_000 + (i % 11) * 10,
        prompt_text: `Explain step by step: topic ${i} for ${k.key}`,
        prompt_simhash: k.simhash,
        ...(k.system ? { system_prompt_sha256: k.system } : {}),
        client_ip: k.ip,
        client_asn: k.asn,
        client_country: 'US',
      } as UsageEvent);
    }
  }
  return events;
}

/** One feature snapshot per key every 10 minutes; req_per_min grows with the key's rate, score for key-a is high. */
export function seedFeatureRows(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const [index, k] of KEYS.entries()) {
    for (let m = 0; m < 36; m++) {
      const ts = T0 + m * 10 * 60_000;
      const values = FEATURE_NAMES.map((_, f) =>
        f === 0 ? k.perHour / 60 : f === 14 ? (index === 3 ? 0.1 : 0.9) : f + index,
      );
      rows.push({
        api_key_id: k.key,
        org_id: k.org,
        model: 'model-x',
        ts: Math.floor(ts / 1000),
        ts_ms: ts,
        feature_names: [...FEATURE_NAMES],
        feature_values: values,
        score: k.key === 'key-a' ? 0.5 + m / 100 : 0.1,
      });
    }
  }
  return rows;
}

function alert(
  id: string,
  keys: string[],
  orgs: string[],
  severity: Alert['severity'],
  hour: number,
  extra: Partial<Alert> = {},
): Alert {
  return {
    alert_id: id,
    kind: keys.length > 1 ? 'cluster' : 'key',
    api_key_ids: keys,
    org_ids: orgs,
    score: severity === 'critical' ? 0.97 : severity === 'high' ? 0.9 : severity === 'medium' ? 0.7 : 0.5,
    severity,
    raised_at: new Date(T0 + hour * HOUR).toISOString(),
    category: keys.length > 1 ? 'hydra_network' : 'bulk_distillation',
    reasons: [
      { feature: 'req_per_min', value: 0.5, baseline: 0.1, percentile: 99, contribution: 0.6, scorer: 'population' },
      { feature: 'template_share', value: 0.9, baseline: 0.2, percentile: 97, contribution: 0.4, scorer: 'rule' },
    ],
    evidence_event_ids: keys.flatMap((k) => [`${k}-1`, `${k}-2`]),
    escalates: null,
    ...extra,
  };
}

export function seedAlerts(): Alert[] {
  return [
    alert('alert-a1', ['key-a'], ['org-1'], 'high', 2),
    alert('alert-b1', ['key-b'], ['org-1'], 'medium', 3),
    alert('alert-ac', ['key-a', 'key-c'], ['org-1', 'org-2'], 'critical', 4),
    alert('alert-d1', ['key-d'], ['org-3'], 'low', 5),
  ];
}

export async function seedUsage(ch: ClickHouse, nowMs: number): Promise<void> {
  await ch.insert(
    'usage_events',
    seedEvents().map((event, i) =>
      toUsageEventRow({ event, source: { topic: 'seed', partition: 0, offset: String(i) } }, nowMs),
    ),
  );
  await ch.insert('key_features', seedFeatureRows());
}
