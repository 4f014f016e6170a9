import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../services/common/config/index.ts';
import { coordinationProcessor } from '../../../services/stream-service/processors.ts';

const quietLogger = { warn: () => {} } as unknown as Parameters<typeof coordinationProcessor>[1];

/** What `distillguard config --check` does with the environment: load it, or throw DG_ERR_CONFIG. */
function configCheck(env: Record<string, string>): 'ok' | string {
  try {
    loadConfig(env);
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

/** What `stream` does with it: load it, then build stage 2 from `config.coordination`. */
function streamStart(env: Record<string, string>): 'ok' | string {
  try {
    coordinationProcessor(loadConfig(env), quietLogger, null);
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

const ENVIRONMENTS: Array<Record<string, string>> = [
  {},
  { DG_COORD_COOLDOWN_MS: '0' },
  { DG_COORD_COOLDOWN_MS: '1000' },
  { DG_COORD_COOLDOWN_MS: '60000', DG_COORD_PASS_INTERVAL_MS: '60000' },
  { DG_COORD_COOLDOWN_MS: '59999', DG_COORD_PASS_INTERVAL_MS: '60000' },
  { DG_COORD_MIN_CLUSTER_SIZE: '1' },
  { DG_COORD_ALERT_SCORE: '1.5' },
  { DG_COORD_KEY_IDLE_MS: '1000' },
  { DG_COORD_MAX_KEYS: '100', DG_COORD_MAX_ALERT_MEMBERS: '10' },
];

test('`config --check` accepts exactly the stage 2 settings `stream` starts with', () => {
  for (const env of ENVIRONMENTS) {
    assert.equal(configCheck(env), streamStart(env), JSON.stringify(env));
  }
});

test('a cooldown shorter than the pass interval is refused by the configuration, naming the option', () => {
  assert.throws(
    () => loadConfig({ DG_COORD_COOLDOWN_MS: '1000' }),
    (error: Error & { code?: string }) =>
      error.code === 'DG_ERR_CONFIG' && /cooldownMs: .*passIntervalMs/.test(error.message),
  );
  assert.equal(loadConfig({ DG_COORD_COOLDOWN_MS: '0' }).coordination.cooldownMs, 0);
});
