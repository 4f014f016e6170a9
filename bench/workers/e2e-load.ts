// With `--backlog N`: produces N usage.v1 lines to `--topic` as fast as the broker takes them, then exits.
// Otherwise: waits for the streaming service to join `--group`, times how fast it catches up with what the topic
// already holds, then produces at stepped rates while sampling the group's lag and the produce → committed
// latency of every batch (offsets from the produce acks).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Admin, Message, RecordMetadata } from 'kafkajs';
import { loadConfig } from '../../services/common/config/index.ts';
import { sleep } from '../../services/common/retry.ts';
import { emitResult } from '../lib/child.ts';
import { benchKafka, groupLag } from '../lib/kafka.ts';
import { CyclingLineReader } from '../lib/line-reader.ts';
import { analyseStep, type StepResult } from '../lib/sustained.ts';

const { values } = parseArgs({
  options: {
    topic: { type: 'string' },
    group: { type: 'string' },
    partitions: { type: 'string' },
    input: { type: 'string' },
    rates: { type: 'string' },
    'step-seconds': { type: 'string' },
    'service-pid': { type: 'string' },
    backlog: { type: 'string' },
    'first-pass': { type: 'string', default: '0' },
  },
});
const topic = values.topic!;
const group = values.group!;
const partitions = Number(values.partitions);
const stepMs = Number(values['step-seconds']) * 1000;
const DRAIN_MS = 45_000;
const POLL_MS = 200;
const MAX_IN_FLIGHT = 16;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** FNV-1a of the key: a stable partition per api_key_id, chosen here so the ack offsets map to our batches. */
function partitionOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

const KEY = /"api_key_id":"([^"]*)"/;
interface Pending {
  lastOffset: number;
  sentAt: number;
}

class LatencyTracker {
  readonly latencies: number[] = [];
  private readonly pending = new Map<number, Pending[]>();

  sent(meta: RecordMetadata[], counts: Map<number, number>, sentAt: number): void {
    for (const m of meta) {
      const n = counts.get(m.partition) ?? 0;
      if (n === 0) continue;
      const list = this.pending.get(m.partition) ?? [];
      list.push({ lastOffset: Number(m.baseOffset) + n - 1, sentAt });
      this.pending.set(m.partition, list);
    }
  }

  /** Batches whose last offset is below the committed offset are stored: their latency is known now. */
  committed(offsets: Map<number, number>, now: number): void {
    for (const [partition, list] of this.pending) {
      const done = offsets.get(partition) ?? -1;
      const open = list.filter((p) => p.lastOffset >= done);
      for (const p of list) if (p.lastOffset < done) this.latencies.push(now - p.sentAt);
      this.pending.set(partition, open);
    }
  }

  get outstanding(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }
}

async function committedOffsets(admin: Admin): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map(entry?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
}

async function waitForConsumer(admin: Admin): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return performance.now();
    if (Date.now() > deadline) throw new Error(`the streaming service did not join group ${group}`);
    await sleep(250);
  }
}

const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
const kafka = benchKafka(config);
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
const lines = new CyclingLineReader(values.input!, Number(values['first-pass']));
await admin.connect();
await producer.connect();

function batchOf(chunk: string[]): { messages: Message[]; counts: Map<number, number> } {
  const counts = new Map<number, number>();
  const messages = chunk.map((value) => {
    const key = KEY.exec(value)?.[1] ?? '';
    const partition = partitionOf(key);
    counts.set(partition, (counts.get(partition) ?? 0) + 1);
    return { key, value, partition };
  });
  return { messages, counts };
}

/** Samples lag and resolves latencies every POLL_MS until `stop()`. */
function monitor(tracker: LatencyTracker, started: number, lag: StepResult['lag']) {
  let running = true;
  const loop = (async () => {
    while (running) {
      const [offsets, behind] = await Promise.all([committedOffsets(admin), groupLag(admin, group, topic)]);
      const now = performance.now();
      tracker.committed(offsets, now);
      lag.push({ atS: (now - started) / 1000, lag: behind });
      await sleep(POLL_MS);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Sends batches of `batchSize` at `rate` per second (as fast as acknowledged for Infinity) until `done()` or `limit`. */
async function produce(
  rate: number,
  batchSize: number,
  limit: number,
  done: (sent: number) => boolean,
  onAck: (meta: RecordMetadata[], counts: Map<number, number>, sentAt: number) => void,
): Promise<number> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  while (sent < limit && !done(sent)) {
    const ahead = started + (sent / rate) * 1000 - performance.now();
    if (ahead > 1) await sleep(ahead);
    const { messages, counts } = batchOf(await lines.take(Math.min(batchSize, limit - sent)));
    const sentAt = performance.now();
    inFlight.push(producer.send({ topic, messages }).then((meta) => onAck(meta, counts, sentAt)));
    sent += messages.length;
    if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return sent;
}

async function step(rate: number, servicePid: number): Promise<StepResult> {
  const tracker = new LatencyTracker();
  const lag: StepResult['lag'] = [];
  const cpuBefore = cpuSecondsOf(servicePid);
  const started = performance.now();
  const stopMonitor = monitor(tracker, started, lag);
  // Batches of about 50 ms of traffic keep the number of produce round trips low at every rate.
  const batchSize = Math.min(5_000, Math.max(500, Math.round(rate / 20)));
  const produced = await produce(
    rate,
    batchSize,
    Number.POSITIVE_INFINITY,
    () => performance.now() - started >= stepMs,
    (meta, counts, sentAt) => tracker.sent(meta, counts, sentAt),
  );
  const produceSeconds = (performance.now() - started) / 1000;
  const drainDeadline = performance.now() + DRAIN_MS;
  while (performance.now() < drainDeadline && (tracker.outstanding > 0 || (lag.at(-1)?.lag ?? 1) > 0))
    await sleep(POLL_MS);
  await stopMonitor();
  const drained = tracker.outstanding === 0;
  const drainSeconds = (performance.now() - started) / 1000 - produceSeconds;
  const serviceCpuSeconds = cpuSecondsOf(servicePid) - cpuBefore;
  const latenciesMs = tracker.latencies;
  process.stderr.write(
    `[bench] end-to-end: ${rate}/s step: ${produced} produced in ${produceSeconds.toFixed(1)} s, drained ${drained}\n`,
  );
  return { targetRate: rate, produced, produceSeconds, lag, latenciesMs, drained, drainSeconds, serviceCpuSeconds };
}

async function topicSize(): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** From the group joining until its lag is 0: how fast the service works through what the topic holds. */
async function catchUp(servicePid: number) {
  const joinedAt = await waitForConsumer(admin);
  const cpuBefore = cpuSecondsOf(servicePid);
  const events = await topicSize();
  while ((await groupLag(admin, group, topic)) > 0) await sleep(POLL_MS);
  const seconds = (performance.now() - joinedAt) / 1000;
  return { events, seconds, serviceCpuSeconds: cpuSecondsOf(servicePid) - cpuBefore };
}

async function stepped(servicePid: number) {
  const backlog = await catchUp(servicePid);
  process.stderr.write(
    `[bench] end-to-end: caught up with ${backlog.events} events in ${backlog.seconds.toFixed(1)} s\n`,
  );
  const steps: StepResult[] = [];
  for (const rate of values.rates!.split(',').map(Number)) {
    const result = await step(rate, servicePid);
    steps.push(result);
    if (!analyseStep(result).sustained) break;
  }
  const committed = [...(await committedOffsets(admin)).values()].reduce((sum, o) => sum + Math.max(0, o), 0);
  return { backlog, steps, topicEvents: await topicSize(), committedEvents: committed };
}

async function backlogOnly(count: number) {
  const started = performance.now();
  const produced = await produce(
    Number.POSITIVE_INFINITY,
    5_000,
    count,
    () => false,
    () => {},
  );
  return { produced, seconds: (performance.now() - started) / 1000 };
}

const result = values.backlog
  ? await backlogOnly(Number(values.backlog))
  : await stepped(Number(values['service-pid']));
await producer.disconnect();
await admin.disconnect();
await lines.close();
emitResult(result);
