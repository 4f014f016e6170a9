// With `--backlog N`: produces N usage.v1 lines to `--topic` as fast as the broker takes them, then exits.
// Otherwise: waits for the streaming service to join `--group`, times how fast it catches up with what the topic
// already holds, then produces at stepped rates while measuring, for every batch, produce → row queryable in
// ClickHouse `usage_events` (the run's database, DG_CLICKHOUSE_DATABASE), produce → alert on `--alerts-topic` and
// produce → committed offset (offsets from the produce acks), and sampling the lag users see (records whose rows
// are not queryable yet) and the group's committed lag.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Admin, Consumer, Message, RecordMetadata } from 'kafkajs';
import { z } from 'zod';
import { createClickHouse } from '../../services/common/clickhouse/client.ts';
import { ident, sql } from '../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../services/common/config/index.ts';
import { sleep } from '../../services/common/retry.ts';
import { emitResult } from '../lib/child.ts';
import { AlertTracker, type BatchPart, CommitTracker, RowTracker, whenCreated } from '../lib/e2e-trackers.ts';
import { benchKafka, groupLag } from '../lib/kafka.ts';
import { CyclingLineReader, eventTimeOf } from '../lib/line-reader.ts';
import { analyseStep, type StepResult } from '../lib/sustained.ts';

const { values } = parseArgs({
  options: {
    topic: { type: 'string' },
    group: { type: 'string' },
    'alerts-topic': { type: 'string' },
    partitions: { type: 'string' },
    input: { type: 'string' },
    rates: { type: 'string' },
    'step-seconds': { type: 'string' },
    /** One pid, or several separated by commas (their CPU is summed). */
    'service-pid': { type: 'string' },
    /** Members the ingest group must have before the catch-up is timed (one per `stream` process). */
    members: { type: 'string', default: '1' },
    backlog: { type: 'string' },
    'first-pass': { type: 'string', default: '0' },
  },
});
const topic = values.topic!;
const group = values.group!;
const partitions = Number(values.partitions);
const stepMs = Number(values['step-seconds']) * 1000;
const members = Number(values.members);
const DRAIN_MS = 45_000;
const POLL_MS = 200;
const ROW_POLL_MS = 50;
const MAX_IN_FLIGHT = 16;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) the service processes have used so far, from /proc. */
function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }, 0);
}

/** FNV-1a of the key: a stable partition per api_key_id, chosen here so the ack offsets map to our batches. */
function partitionOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

const KEY = /"api_key_id":"([^"]*)"/;
const EVENT_ID = /"event_id":"([^"]*)"/;
/** How long the alert watcher waits, after the last step, for alerts still on their way. */
const ALERT_GRACE_MS = 2_000;

async function committedOffsets(admin: Admin): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map(entry?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
}

async function waitForConsumer(admin: Admin): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length >= members) return performance.now();
    if (Date.now() > deadline) throw new Error(`the streaming service did not join group ${group}`);
    await sleep(250);
  }
}

const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
const kafka = benchKafka(config);
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
const lines = new CyclingLineReader(values.input!, Number(values['first-pass']));
const ch = createClickHouse(config.clickhouse);
await admin.connect();
await producer.connect();

interface Batch {
  messages: Message[];
  /** Per partition: the last record of the batch in it and how many records went there. */
  parts: Map<number, Omit<BatchPart, 'lastOffset' | 'sentAt'>>;
  firstTs: number;
  lastTs: number;
}

function batchOf(chunk: string[]): Batch {
  const parts: Batch['parts'] = new Map();
  const messages = chunk.map((value) => {
    const key = KEY.exec(value)?.[1] ?? '';
    const partition = partitionOf(key);
    const count = (parts.get(partition)?.count ?? 0) + 1;
    parts.set(partition, { partition, lastEventId: EVENT_ID.exec(value)?.[1] ?? '', lastKey: key, count });
    return { key, value, partition };
  });
  return { messages, parts, firstTs: eventTimeOf(chunk[0] ?? ''), lastTs: eventTimeOf(chunk.at(-1) ?? '') };
}

/** The acknowledged parts of a batch, with the broker's offsets. */
function ackedParts(batch: Batch, meta: RecordMetadata[], sentAt: number): BatchPart[] {
  return meta.flatMap((m) => {
    const part = batch.parts.get(m.partition);
    return part ? [{ ...part, lastOffset: Number(m.baseOffset) + part.count - 1, sentAt }] : [];
  });
}

/** The run's alerts topic from its beginning: every alert's `raised_at`, with the time it arrived here. */
async function watchAlerts(alerts: AlertTracker): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `${group}-alert-watch`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: values['alerts-topic']!, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = performance.now();
      const raisedAt = Date.parse(JSON.parse(message.value?.toString() ?? '{}').raised_at);
      if (Number.isFinite(raisedAt)) alerts.alert(raisedAt, at);
    },
  });
  await joined;
  return consumer;
}

interface Trackers {
  rows: RowTracker;
  commits: CommitTracker;
  alerts: AlertTracker;
}

/** Runs `fn` every `everyMs` (after it returns) until the returned stop function is awaited. */
function every(everyMs: number, fn: () => Promise<void>) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fn();
      await sleep(everyMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/**
 * Resolves row latencies every ROW_POLL_MS and, in a loop of its own (the broker's admin calls can be slow on a
 * loaded machine and must not coarsen the row figures), commit latencies and both lags every POLL_MS.
 */
function monitor(t: Trackers, started: number, lag: StepResult['lag']) {
  const stopRows = every(ROW_POLL_MS, () => t.rows.poll());
  const stopCommits = every(POLL_MS, async () => {
    const [offsets, committed] = await Promise.all([committedOffsets(admin), groupLag(admin, group, topic)]);
    const now = performance.now();
    t.commits.committed(offsets, now);
    lag.push({ atS: (now - started) / 1000, lag: t.rows.unseenRecords, committedLag: committed });
  });
  return async () => {
    await Promise.all([stopRows(), stopCommits()]);
  };
}

/** Sends batches of `batchSize` at `rate` per second (as fast as acknowledged for Infinity) until `done()` or `limit`. */
async function produce(
  rate: number,
  batchSize: number,
  limit: number,
  done: (sent: number) => boolean,
  onSend: (batch: Batch, sentAt: number) => void,
  onAck: (parts: BatchPart[]) => void,
): Promise<number> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  while (sent < limit && !done(sent)) {
    const ahead = started + (sent / rate) * 1000 - performance.now();
    if (ahead > 1) await sleep(ahead);
    const batch = batchOf(await lines.take(Math.min(batchSize, limit - sent)));
    const sentAt = performance.now();
    onSend(batch, sentAt);
    inFlight.push(
      producer.send({ topic, messages: batch.messages }).then((meta) => onAck(ackedParts(batch, meta, sentAt))),
    );
    sent += batch.messages.length;
    if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return sent;
}

/** One step; its alert latencies are filled in after the last step, when late alerts had time to arrive. */
async function step(rate: number, servicePids: readonly number[], alerts: AlertTracker) {
  const t: Trackers = { rows: new RowTracker(ch), commits: new CommitTracker(), alerts };
  const lag: StepResult['lag'] = [];
  const cpuBefore = cpuSecondsOf(servicePids);
  const started = performance.now();
  const stopMonitor = monitor(t, started, lag);
  // Batches of about 50 ms of traffic keep the number of produce round trips low at every rate.
  const batchSize = Math.min(5_000, Math.max(500, Math.round(rate / 20)));
  const produced = await produce(
    rate,
    batchSize,
    Number.POSITIVE_INFINITY,
    () => performance.now() - started >= stepMs,
    (batch, sentAt) => alerts.sent(batch.firstTs, batch.lastTs, sentAt),
    (parts) => {
      for (const p of parts) {
        t.rows.sent(p);
        t.commits.sent(p);
      }
    },
  );
  const producedUntil = performance.now();
  const produceSeconds = (producedUntil - started) / 1000;
  const drainDeadline = performance.now() + DRAIN_MS;
  const open = () => t.commits.outstanding > 0 || t.rows.outstanding > 0 || (lag.at(-1)?.committedLag ?? 1) > 0;
  while (performance.now() < drainDeadline && open()) await sleep(POLL_MS);
  await stopMonitor();
  const drained = t.commits.outstanding === 0 && t.rows.outstanding === 0;
  const drainSeconds = (performance.now() - started) / 1000 - produceSeconds;
  const serviceCpuSeconds = cpuSecondsOf(servicePids) - cpuBefore;
  process.stderr.write(
    `[bench] end-to-end: ${rate}/s step: ${produced} produced in ${produceSeconds.toFixed(1)} s, drained ${drained}\n`,
  );
  const result: StepResult = {
    targetRate: rate,
    produced,
    produceSeconds,
    lag,
    commitLatenciesMs: t.commits.latencies,
    rowLatenciesMs: t.rows.latencies,
    rowPollMs: t.rows.pollMs,
    alertLatenciesMs: [],
    drained,
    drainSeconds,
    serviceCpuSeconds,
  };
  return { result, window: { from: started, to: producedUntil } };
}

async function topicSize(): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

const countRow = z.object({ n: z.coerce.number() });

/** Rows in the run's `usage_events`; 0 while the service has not created the table. */
async function storedRows(): Promise<number> {
  const rows = await whenCreated(
    () => ch.query(sql`SELECT count() AS n FROM ${ident(ch.database)}.usage_events`, countRow),
    [],
  );
  return rows[0]?.n ?? 0;
}

/**
 * From the group joining until every event the topic holds is queryable (or, when some were dead-lettered, the
 * group's committed lag is 0): how fast the service works through a backlog.
 */
async function catchUp(servicePids: readonly number[]) {
  const joinedAt = await waitForConsumer(admin);
  const cpuBefore = cpuSecondsOf(servicePids);
  const events = await topicSize();
  while ((await storedRows()) < events && (await groupLag(admin, group, topic)) > 0) await sleep(POLL_MS);
  const seconds = (performance.now() - joinedAt) / 1000;
  return { events, seconds, serviceCpuSeconds: cpuSecondsOf(servicePids) - cpuBefore };
}

async function stepped(servicePids: readonly number[]) {
  const alerts = new AlertTracker();
  const backlog = await catchUp(servicePids);
  process.stderr.write(
    `[bench] end-to-end: caught up with ${backlog.events} events in ${backlog.seconds.toFixed(1)} s\n`,
  );
  const watcher = await watchAlerts(alerts);
  const steps: Array<Awaited<ReturnType<typeof step>>> = [];
  for (const rate of values.rates!.split(',').map(Number)) {
    const s = await step(rate, servicePids, alerts);
    steps.push(s);
    if (!analyseStep(s.result).sustained) break;
  }
  await sleep(ALERT_GRACE_MS);
  await watcher.disconnect();
  for (const s of steps) s.result.alertLatenciesMs = alerts.latencies(s.window.from, s.window.to);
  const committed = [...(await committedOffsets(admin)).values()].reduce((sum, o) => sum + Math.max(0, o), 0);
  return {
    backlog,
    steps: steps.map((s) => s.result),
    topicEvents: await topicSize(),
    committedEvents: committed,
  };
}

async function backlogOnly(count: number) {
  const started = performance.now();
  const produced = await produce(
    Number.POSITIVE_INFINITY,
    5_000,
    count,
    () => false,
    () => {},
    () => {},
  );
  return { produced, seconds: (performance.now() - started) / 1000 };
}

const result = values.backlog
  ? await backlogOnly(Number(values.backlog))
  : await stepped(values['service-pid']!.split(',').map(Number));
await producer.disconnect();
await admin.disconnect();
await ch.close();
await lines.close();
emitResult(result);
