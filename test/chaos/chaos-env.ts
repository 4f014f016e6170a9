import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Chaos runs its own Kafka and ClickHouse (own ports and data) so stopping them never disturbs other tests. */
export const CHAOS_INFRA = {
  DG_STATE_DIR: `${ROOT}.data/chaos`,
  DG_KAFKA_PORT: process.env.DG_CHAOS_KAFKA_PORT ?? '39092',
  DG_KAFKA_CONTROLLER_PORT: process.env.DG_CHAOS_KAFKA_CONTROLLER_PORT ?? '39093',
  DG_CLICKHOUSE_HTTP_PORT: process.env.DG_CHAOS_CLICKHOUSE_HTTP_PORT ?? '38123',
  DG_CLICKHOUSE_TCP_PORT: process.env.DG_CHAOS_CLICKHOUSE_TCP_PORT ?? '39000',
};

export const chaosBrokers = `127.0.0.1:${CHAOS_INFRA.DG_KAFKA_PORT}`;
export const chaosClickHouseUrl = `http://127.0.0.1:${CHAOS_INFRA.DG_CLICKHOUSE_HTTP_PORT}`;

async function script(path: string, ...args: string[]): Promise<void> {
  await run('bash', [`${ROOT}${path}`, ...args], { env: { ...process.env, ...CHAOS_INFRA }, timeout: 180_000 });
}

export const infra = {
  up: () => script('infra/up.sh'),
  down: () => script('infra/down.sh'),
  stopKafka: () => script('infra/stop-pid.sh', 'kafka', `${CHAOS_INFRA.DG_STATE_DIR}/kafka/kafka.pid`, '60'),
  startKafka: () => script('infra/kafka/up.sh'),
  stopClickHouse: () =>
    script('infra/stop-pid.sh', 'clickhouse', `${CHAOS_INFRA.DG_STATE_DIR}/clickhouse/clickhouse.pid`, '30'),
  startClickHouse: () => script('infra/clickhouse/up.sh'),
};
