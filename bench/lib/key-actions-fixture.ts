// The gateway benchmark's fixture: keys `act-0` … `act-(n-1)` under action in a private compacted key-actions
// topic, and the decision the API answers for each, so a bare fastify route can answer a body of the same size.
import { type KeyActionState, keyActionStateSchema } from '../../services/actions/action-schema.ts';
import type { Config } from '../../services/common/config/index.ts';
import { ensureTopics } from '../../services/consumer/kafka-client.ts';
import { benchKafka } from './kafka.ts';

const DAY_MS = 86_400_000;
const REASON = 'benchmark fixture';
const LIMITS = { rpm: 60, tpm: 100_000 };

/** Key `act-i` under a rate limit, every fifth one suspended; valid for a day from `nowMs`. */
export function fixtureState(i: number, nowMs: number): KeyActionState {
  const suspend = i % 5 === 0;
  return {
    api_key_id: `act-${i}`,
    updated_at_ms: nowMs,
    actions: [
      {
        action_id: `bench-${i}`,
        api_key_id: `act-${i}`,
        org_id: `org-${i % 997}`,
        action: suspend ? 'suspend' : 'rate_limit',
        mode: 'enforce',
        rpm: suspend ? null : LIMITS.rpm,
        tpm: suspend ? null : LIMITS.tpm,
        reason: REASON,
        actor: 'system:policy',
        alert_id: `alert-${i}`,
        rule: 'bench',
        target_action_id: '',
        created_at_ms: nowMs,
        expires_at_ms: nowMs + DAY_MS,
      },
    ],
  };
}

/** What `GET /v1/keys/:id/decision` answers for `apiKeyId` under the fixture written at `nowMs`. */
export function fixtureDecision(apiKeyId: string, nowMs: number): Record<string, unknown> {
  const i = apiKeyId.startsWith('act-') ? Number(apiKeyId.slice(4)) : Number.NaN;
  if (!Number.isInteger(i)) return { api_key_id: apiKeyId, decision: 'allow' };
  const common = { reason: REASON, expires_at: new Date(nowMs + DAY_MS).toISOString(), action_id: `bench-${i}` };
  return i % 5 === 0
    ? { api_key_id: apiKeyId, decision: 'deny', ...common, action: 'suspend' }
    : { api_key_id: apiKeyId, decision: 'limit', limits: LIMITS, ...common, action: 'rate_limit' };
}

/** Creates `topic` (compacted, as the actions service would) holding the states of `keys` keys. */
export async function fillKeyActions(config: Config, topic: string, keys: number, nowMs: number): Promise<void> {
  const kafka = benchKafka(config);
  const admin = kafka.admin();
  await admin.connect();
  const spec = { topic, partitions: config.actions.topicPartitions, compacted: true };
  await ensureTopics(admin, [spec], config.kafka.replicationFactor);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let from = 0; from < keys; from += 5_000) {
    const messages = [];
    for (let i = from; i < Math.min(keys, from + 5_000); i++)
      messages.push({ key: `act-${i}`, value: JSON.stringify(keyActionStateSchema.parse(fixtureState(i, nowMs))) });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}
