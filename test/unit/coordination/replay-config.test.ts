import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { fingerprintToHex } from '../../../services/common/text/fingerprint.ts';
import { buildOfflineDetector } from '../../../services/replay/build-detector.ts';
import { rng, type TrafficEvent } from './fixtures.ts';
import { benignPopulation, hydra } from './scenarios.ts';

/** The events as a gateway sends them: fingerprints travel as `prompt_simhash`. */
function events(): TrafficEvent['event'][] {
  const traffic = [
    ...hydra({ keys: 40, orgs: 20, asn: 62240, eventsPerKey: 12, hours: [1, 5] }, 21),
    ...benignPopulation({ keys: 100, awsShare: 0.5 }, rng(22)),
  ];
  return traffic
    .sort((a, b) => a.event.ts - b.event.ts || (a.event.event_id < b.event.event_id ? -1 : 1))
    .map((t) => (t.fingerprint ? { ...t.event, prompt_simhash: fingerprintToHex(t.fingerprint) } : t.event));
}

async function clusterAlerts(env: Record<string, string>): Promise<Alert[]> {
  const config = loadConfig({ DG_ML_ENABLED: 'false', ...env });
  const pipeline = await buildOfflineDetector({ config, coordination: true, ml: false, warn: () => {} });
  const alerts: Alert[] = [];
  for (const event of events()) alerts.push(...pipeline.process(event).alerts);
  alerts.push(...pipeline.finish().alerts);
  return alerts.filter((a) => a.kind === 'cluster');
}

test('replay builds stage 2 from DG_COORD_* as the stream does', async () => {
  const byDefault = await clusterAlerts({});
  assert.ok(byDefault.length > 0, 'the network is alerted with the default settings');
  assert.deepEqual(await clusterAlerts({ DG_COORD_MIN_ORGS: '50' }), [], 'no 50-org cluster exists');
  await assert.rejects(clusterAlerts({ DG_COORD_COOLDOWN_MS: '1000' }), { code: 'DG_ERR_CONFIG' });
});
