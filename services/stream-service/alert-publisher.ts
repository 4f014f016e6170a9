import type { Producer } from 'kafkajs';
import type { Alert } from '../../schemas/alert-v1.ts';

/** Produces alerts to the `alerts` topic keyed by the first member key, so one key's alerts stay ordered. */
export async function publishAlerts(producer: Producer, topic: string, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: alerts.map((a) => ({
      key: a.api_key_ids[0] ?? a.alert_id,
      value: JSON.stringify(a),
      headers: { 'dg-alert-id': a.alert_id, 'dg-kind': a.kind },
    })),
  });
}
