import { z } from 'zod';
import { runWorker } from './lib/child.ts';
import { benchName, createTopic, deleteTopics } from './lib/kafka.ts';
import type { Figure } from './lib/results-schema.ts';
import type { RunOptions, Scenario } from './lib/scenario.ts';

const CLIENTS = ['kafkajs', '@platformatic/kafka'] as const;
const PARTITIONS = 4;
const consumeResult = z.object({
  messages: z.number(),
  bytes: z.number(),
  firstMessageAfterMs: z.number(),
  streamSeconds: z.number(),
  cpuSeconds: z.number(),
});
const fillResult = z.object({ count: z.number(), meanValueBytes: z.number(), seconds: z.number() });

function figures(client: string, r: z.output<typeof consumeResult>): Figure[] {
  return [
    { name: `${client} messages/s`, unit: 'msg/s', value: r.messages / r.streamSeconds },
    { name: `${client} MB/s`, unit: 'MB/s', value: r.bytes / r.streamSeconds / 1e6 },
    { name: `${client} messages per CPU-second`, unit: 'msg/CPU-s', value: r.messages / r.cpuSeconds },
    { name: `${client} time to first message`, unit: 'ms', value: r.firstMessageAfterMs },
  ];
}

async function start(o: RunOptions) {
  const count = o.smoke ? 2_000 : 1_000_000;
  const topic = benchName('bench-kafka-client');
  await createTopic(o.config, topic, PARTITIONS);
  o.log(`kafka-client-comparison: filling ${topic} with ${count} messages`);
  const fill = await runWorker('kafka-fill.ts', fillResult, {
    args: ['--topic', topic, '--count', String(count), '--value-bytes', '400'],
  });
  const consume = (client: string) =>
    runWorker('kafka-consume.ts', consumeResult, {
      args: ['--client', client, '--topic', topic, '--count', String(count)],
    });
  return {
    async run(iteration: number): Promise<Figure[]> {
      // Alternate the order so neither client always reads a colder page cache.
      const order = iteration % 2 === 0 ? CLIENTS : [...CLIENTS].reverse();
      const out: Figure[] = [];
      for (const client of order) out.push(...figures(client, await consume(client)));
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    notes: async () => [
      `${count.toLocaleString('en-US')} messages of ${Math.round(fill.meanValueBytes)} bytes on average in ${PARTITIONS} partitions (filled in ${fill.seconds.toFixed(0)} s); each client in its own process, one consumer, a fresh group, no commits, default fetch sizes; the consumer only counts messages and their bytes.`,
      'messages/s counts from the first to the last message (group join excluded; it is shown as "time to first message"). Broker and client share the same 2 cores, so the broker’s own CPU limits both.',
    ],
    close: () => deleteTopics(o.config, [topic]),
  };
}

export const kafkaClientComparison: Scenario = {
  name: 'kafka-client-comparison',
  title: 'Kafka client consume throughput',
  target:
    'no target: compares kafkajs with @platformatic/kafka on the same topic (published kafkajs figures: 80–130k msg/s).',
  runs: { full: 3, smoke: 1 },
  start,
};
