import { mkdirSync, writeFileSync } from 'node:fs';
import { logLevel } from 'kafkajs';
import { z } from 'zod';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { migrate } from '../../services/common/clickhouse/migrations.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { createKafka, ensureTopics } from '../../services/consumer/kafka-client.ts';
import { ROOT } from '../chaos/chaos-env.ts';
import { tableSizes } from '../chaos/checkpoints.ts';
import { freePort } from '../chaos/context.ts';
import { rssBytes, wait } from '../chaos/probes.ts';
import { StreamWorker } from '../chaos/worker.ts';
import { uniqueName } from '../helpers/infra.ts';
import { groupLag } from './lag.ts';
import { growthPercentPerHour, type Sample } from './rss-slope.ts';
import { soakEvents } from './soak-events.ts';
import { soakOptions } from './soak-options.ts';

/**
 * `make soak`: the whole pipeline — a `distillguard stream` worker (ingest, detector, stage 2) and a `distillguard
 * serve` (API, actions runner, case projector) — on the local Kafka and ClickHouse with a private database and
 * topics, fed a steady SOAK_RATE events/s for SOAK_MINUTES. Reports the RSS slope of both processes after warm-up,
 * consumer lag and table sizes, and fails when RSS grows faster than SOAK_MAX_RSS_SLOPE_PCT_H, the lag exceeds
 * SOAK_MAX_LAG_S of production or does not drain, or the checkpoint table holds more than its retention.
 */
const options = soakOptions();
const id = uniqueName('soak');
const PARTITIONS = 4;
const RETAIN = 3;
const FULL_EVERY = 30;
const env: Record<string, string> = {
  DG_CLICKHOUSE_DATABASE: `dg_${id}`,
  DG_TOPIC_EVENTS: `events-${id}`,
  DG_TOPIC_DLQ: `dlq-${id}`,
  DG_TOPIC_ALERTS: `alerts-${id}`,
  DG_TOPIC_KEY_ACTIONS: `key-actions-${id}`,
  DG_KAFKA_GROUP_INGEST: `ingest-${id}`,
  DG_KAFKA_GROUP_COORDINATION: `coord-${id}`,
  DG_KAFKA_GROUP_ACTIONS: `actions-${id}`,
  DG_ACTIONS_READER_GROUP_PREFIX: `key-actions-reader-${id}`,
  DG_EVENTS_PARTITIONS: String(PARTITIONS),
  DG_CHECKPOINT_RETAIN: String(RETAIN),
  DG_CHECKPOINT_FULL_EVERY: String(FULL_EVERY),
  DG_LOG_LEVEL: 'info',
};
const config = loadConfig({ ...process.env, ...env });
const kafka = createKafka(config.kafka, silentLogger, { logLevel: logLevel.NOTHING });
const ch = createClickHouse(config.clickhouse);
const outDir = `${ROOT}.data/soak`;
mkdirSync(outDir, { recursive: true });

interface Row {
  atMs: number;
  produced: number;
  streamRss: number;
  serveRss: number;
  ingestLag: number;
  stage2Lag: number;
}

const mib = (b: number) => (b / 1_048_576).toFixed(0);
const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}%/h`);

async function produceSteadily(until: number, progress: { produced: number }): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const events = soakEvents();
  const started = Date.now();
  const chunk = Math.max(1, Math.round(options.rate / 10));
  try {
    while (Date.now() < until) {
      const messages = [];
      for (let i = 0; i < chunk; i++) {
        const e = events.next().value!;
        messages.push({ key: e.api_key_id, value: JSON.stringify(e) });
      }
      await producer.send({ topic: config.kafka.topics.events, acks: -1, messages });
      progress.produced += messages.length;
      const due = started + (progress.produced / options.rate) * 1000 - Date.now();
      if (due > 0) await wait(due);
    }
  } finally {
    await producer.disconnect();
  }
}

const checkpointCount = z.object({ logical: z.coerce.number(), physical: z.coerce.number() });

async function main(): Promise<number> {
  const db = ident(ch.database);
  await migrate(ch, silentLogger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic: config.kafka.topics.events, partitions: PARTITIONS }], 1);
  const stream = new StreamWorker(
    { ...env, DG_STREAM_HEALTH_PORT: String(await freePort()) },
    `${outDir}/${id}-stream.log`,
  );
  const serve = new StreamWorker({ ...env, DG_API_PORT: String(await freePort()) }, `${outDir}/${id}-serve.log`, [
    'serve',
  ]);
  stream.start();
  serve.start();
  console.error(
    `soak ${id}: ${options.rate} events/s for ${options.minutes} min (warm-up ${options.warmupMinutes.toFixed(1)} min); logs in ${outDir}`,
  );
  const started = Date.now();
  const progress = { produced: 0 };
  const producing = produceSteadily(started + options.minutes * 60_000, progress);
  let producingDone = false;
  producing.finally(() => (producingDone = true)).catch(() => {});
  const rows: Row[] = [];
  const events = config.kafka.topics.events;
  while (!producingDone) {
    await wait(options.sampleMs);
    const row: Row = {
      atMs: Date.now() - started,
      produced: progress.produced,
      streamRss: rssBytes(stream.pid),
      serveRss: rssBytes(serve.pid),
      ingestLag: await groupLag(admin, config.kafka.groups.ingest, events),
      stage2Lag: await groupLag(admin, config.kafka.groups.coordination, events),
    };
    rows.push(row);
    console.error(
      `  ${(row.atMs / 60_000).toFixed(1)} min: produced ${row.produced}, stream ${mib(row.streamRss)} MiB, serve ${mib(row.serveRss)} MiB, lag ingest ${row.ingestLag} stage2 ${row.stage2Lag}`,
    );
  }
  await producing;
  const produced = progress.produced;
  // After production stops both groups must drain to zero lag (offsets commit with each checkpoint).
  let drained = false;
  const drainUntil = Date.now() + 120_000;
  while (!drained && Date.now() < drainUntil) {
    await wait(2_000);
    const lags = [
      await groupLag(admin, config.kafka.groups.ingest, events),
      await groupLag(admin, config.kafka.groups.coordination, events),
    ];
    drained = lags.every((l) => l === 0);
  }
  const alive = stream.running && serve.running;
  const [checkpoints] = await ch.query(
    sql`SELECT (SELECT count() FROM ${db}.detector_checkpoints FINAL) AS logical,
               (SELECT count() FROM ${db}.detector_checkpoints) AS physical`,
    checkpointCount,
  );
  const tables = await tableSizes(ch);
  await Promise.all([stream.terminate(30_000), serve.terminate(30_000)]);

  const warm = rows.filter((r) => r.atMs >= options.warmupMinutes * 60_000);
  const streamSlope = growthPercentPerHour(warm.map((r) => ({ atMs: r.atMs, value: r.streamRss }) satisfies Sample));
  const serveSlope = growthPercentPerHour(warm.map((r) => ({ atMs: r.atMs, value: r.serveRss })));
  const maxLag = Math.max(0, ...warm.map((r) => Math.max(r.ingestLag, r.stage2Lag)));
  // Stage 1 checkpoints one row per partition, stage 2 one for the whole stream: each keeps RETAIN chains of at most
  // FULL_EVERY deltas after a full checkpoint, in RETAIN x (FULL_EVERY + 1) slots.
  const checkpointBound = (PARTITIONS + 1) * RETAIN * (FULL_EVERY + 1);
  const rssJudged = options.checkRss ? '' : ' (reported only: SOAK_CHECK_RSS=0)';
  const checks = [
    ['both processes stayed up', alive],
    [
      `stream RSS slope ${pct(streamSlope)} < ${options.maxRssSlopePctPerHour}%/h${rssJudged}`,
      !options.checkRss || (streamSlope !== null && streamSlope < options.maxRssSlopePctPerHour),
    ],
    [
      `serve RSS slope ${pct(serveSlope)} < ${options.maxRssSlopePctPerHour}%/h${rssJudged}`,
      !options.checkRss || (serveSlope !== null && serveSlope < options.maxRssSlopePctPerHour),
    ],
    [`max lag after warm-up ${maxLag} <= ${options.maxLagEvents} events`, maxLag <= options.maxLagEvents],
    ['lag drained to 0 within 120 s of the end', drained],
    [
      `checkpoints ${checkpoints!.logical} (physical rows ${checkpoints!.physical}) <= ${checkpointBound}`,
      checkpoints!.logical <= checkpointBound,
    ],
  ] as const;
  const report = {
    id,
    options,
    produced,
    seconds: Math.round((Date.now() - started) / 1000),
    streamRssMiB: {
      first: mib(rows[0]?.streamRss ?? 0),
      last: mib(rows.at(-1)?.streamRss ?? 0),
      slopePctPerHour: streamSlope,
    },
    serveRssMiB: {
      first: mib(rows[0]?.serveRss ?? 0),
      last: mib(rows.at(-1)?.serveRss ?? 0),
      slopePctPerHour: serveSlope,
    },
    maxLagAfterWarmup: maxLag,
    drained,
    checkpoints,
    tables,
    checks: checks.map(([what, ok]) => ({ what, ok })),
    samples: rows,
  };
  writeFileSync(`${outDir}/${id}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`soak ${id}: ${produced} events in ${options.minutes} min at ${options.rate}/s`);
  console.log(
    `  stream RSS ${report.streamRssMiB.first} -> ${report.streamRssMiB.last} MiB, serve ${report.serveRssMiB.first} -> ${report.serveRssMiB.last} MiB`,
  );
  for (const t of tables) console.log(`  table ${t.table}: ${t.rows} rows, ${(t.bytes / 1024).toFixed(0)} KiB`);
  for (const [what, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'} ${what}`);
  console.log(`  samples and figures: ${outDir}/${id}.json`);
  if (!options.keep) {
    const { topics } = config.kafka;
    const ours = [topics.events, topics.dlq, topics.alerts, topics.keyActions];
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: ours.filter((t) => existing.has(t)) });
    await ch.command(sql`DROP DATABASE IF EXISTS ${db}`);
  }
  await admin.disconnect();
  await ch.close();
  return checks.every(([, ok]) => ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
