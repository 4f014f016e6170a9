import type { Producer } from 'kafkajs';
import type { Alert } from '../../schemas/alert-v1.ts';
import { insertAlerts } from '../alerts-store/insert-alerts.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import type { KeyFeatureSnapshot } from '../detector/types.ts';
import { publishAlerts } from './alert-publisher.ts';
import { toKeyFeatureRow } from './feature-rows.ts';

/** Where detection results go: `key_features`, `alerts` (with suppressions applied) and the `alerts` topic. */
export interface DetectionOutputs {
  persistFeatures(rows: readonly KeyFeatureSnapshot[]): Promise<void>;
  persistAlerts(alerts: readonly Alert[]): Promise<void>;
  publishAlerts(alerts: readonly Alert[]): Promise<void>;
}

export function createDetectionOutputs(ch: ClickHouse, producer: Producer, alertsTopic: string): DetectionOutputs {
  return {
    persistFeatures: (rows) => ch.insert('key_features', rows.map(toKeyFeatureRow)),
    persistAlerts: async (alerts) => {
      await insertAlerts(ch, [...alerts], Date.now());
    },
    publishAlerts: (alerts) => publishAlerts(producer, alertsTopic, alerts),
  };
}
