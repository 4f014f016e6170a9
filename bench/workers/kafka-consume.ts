// Consumes `--count` messages of `--topic` from the beginning with one client and reports its throughput.
import { parseArgs } from 'node:util';
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { loadConfig } from '../../services/common/config/index.ts';
import { emitResult } from '../lib/child.ts';
import { benchKafka, benchName } from '../lib/kafka.ts';

const { values } = parseArgs({
  options: { client: { type: 'string' }, topic: { type: 'string' }, count: { type: 'string' } },
});
const topic = values.topic!;
const count = Number(values.count);
const config = loadConfig({ DG_LOG_LEVEL: 'silent', ...process.env });
const groupId = benchName('bench-consume');

/** Counts messages and touches every value, so a lazy client cannot skip decoding. */
class Meter {
  messages = 0;
  bytes = 0;
  firstAt = 0;
  lastAt = 0;
  private readonly cpuStart = process.cpuUsage();
  private readonly startedAt = performance.now();
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => {
    this.resolveDone = r;
  });

  add(value: Buffer | null | undefined): void {
    if (this.messages === 0) this.firstAt = performance.now();
    this.messages++;
    this.bytes += value?.length ?? 0;
    if (this.messages === count) {
      this.lastAt = performance.now();
      this.resolveDone();
    }
  }

  result() {
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      messages: this.messages,
      bytes: this.bytes,
      firstMessageAfterMs: this.firstAt - this.startedAt,
      streamSeconds: (this.lastAt - this.firstAt) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }
}

async function kafkajs(meter: Meter): Promise<() => Promise<void>> {
  const consumer = benchKafka(config).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) meter.add(message.value);
    },
  });
  return () => consumer.disconnect();
}

async function platformatic(meter: Meter): Promise<() => Promise<void>> {
  const consumer = new PlatformaticConsumer({
    groupId,
    clientId: 'distillguard-bench',
    bootstrapBrokers: config.kafka.brokers,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  stream.on('data', (message) => meter.add(message.value as Buffer));
  return async () => {
    await stream.close();
    await consumer.close(true);
  };
}

const meter = new Meter();
const stop = values.client === 'kafkajs' ? await kafkajs(meter) : await platformatic(meter);
await meter.done;
const result = meter.result();
await stop();
emitResult(result);
process.exit(0);
