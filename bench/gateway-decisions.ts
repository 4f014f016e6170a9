import autocannon from 'autocannon';
import { z } from 'zod';
import { createClickHouse } from '../services/common/clickhouse/client.ts';
import { ident, sql } from '../services/common/clickhouse/sql.ts';
import { startWorker } from './lib/child.ts';
import { benchName, deleteTopics } from './lib/kafka.ts';
import type { Figure } from './lib/results-schema.ts';
import { type RunOptions, requireExport, type Scenario } from './lib/scenario.ts';

const CONNECTIONS = 32;
const serverReady = z.object({ port: z.number(), token: z.string(), keys: z.number(), rebuildSeconds: z.number() });

/** Every fifth request asks about a key under action, the rest about keys with none (the common case). */
function pathCycle(keys: number): () => string {
  let i = 0;
  return () => {
    i++;
    return i % 5 === 0 ? `/v1/keys/act-${(i * 7919) % keys}/decision` : `/v1/keys/free-${i % 1_000_003}/decision`;
  };
}

async function load(url: string, token: string, keys: number, seconds: number) {
  const nextPath = pathCycle(keys);
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
}

async function start(o: RunOptions) {
  await requireExport('services/api/app.ts', 'buildApp');
  await requireExport('services/actions/actions-boot.ts', 'createActionsServiceFromConfig');
  const keys = o.smoke ? 1_000 : 100_000;
  const seconds = o.smoke ? 1 : 10;
  const database = benchName('dg_bench_gw');
  const topic = benchName('bench-key-actions');
  const env = {
    DG_CLICKHOUSE_DATABASE: database,
    DG_TOPIC_KEY_ACTIONS: topic,
    DG_ACTIONS_READER_GROUP_PREFIX: `${topic}-reader-`,
    DG_API_RATE_LIMIT_PER_MIN: '1000000',
    DG_LOG_LEVEL: 'silent',
  };
  o.log(`gateway-decisions: starting the API with ${keys} keys under action`);
  const cleanUp = async () => {
    const ch = createClickHouse(o.config.clickhouse, { database });
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await ch.close();
    await deleteTopics(o.config, [topic]);
  };
  // Rebuilding the decision table from the topic has taken minutes for 100k keys on this machine.
  const server = await startWorker('gateway-server.ts', serverReady, {
    env,
    args: ['--keys', String(keys)],
    timeoutMs: 600_000,
  }).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  const { port, token, rebuildSeconds } = server.ready;
  const url = `http://127.0.0.1:${port}`;
  await load(url, token, keys, o.smoke ? 1 : 3);
  return {
    async run(): Promise<Figure[]> {
      const r = await load(url, token, keys, seconds);
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(`${r.non2xx} non-2xx responses and ${r.errors} errors: ${JSON.stringify(r.statusCodeStats)}`);
      return [
        {
          name: 'decisions/s',
          unit: 'req/s',
          value: r.requests.total / r.duration,
          target: { op: '>=', value: 30_000 },
        },
        { name: 'latency p50', unit: 'ms', value: r.latency.p50 },
        { name: 'latency p99', unit: 'ms', value: r.latency.p99, target: { op: '<=', value: 5 } },
      ];
    },
    notes: async () => [
      `The real \`buildApp\` (bearer-token auth, per-token rate limit, zod validation, metrics hooks) with the real actions service, whose decision table was rebuilt from a private compacted key-actions topic holding ${keys.toLocaleString('en-US')} keys under action (rebuild took ${rebuildSeconds.toFixed(1)} s). Server in its own process; autocannon in the runner process with ${CONNECTIONS} connections, no pipelining, ${seconds} s per run after a warm-up; 1 request in 5 asks about a key under action.`,
      'Server and load generator share the 2 cores, so the generator takes CPU the server would otherwise have.',
    ],
    async close() {
      await server.stop();
      await cleanUp();
    },
  };
}

export const gatewayDecisions: Scenario = {
  name: 'gateway-decisions',
  title: 'Gateway decisions',
  target: '`GET /v1/keys/:id/decision` ≥ 30k req/s with p99 ≤ 5 ms on loopback.',
  runs: { full: 3, smoke: 1 },
  start,
};
