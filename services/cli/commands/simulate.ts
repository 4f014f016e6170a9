import { writeFile } from 'node:fs/promises';
import { Partitioners } from 'kafkajs';
import { z } from 'zod';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { createLogger } from '../../common/logger.ts';
import { type Simulation, simulate } from '../../simulator/index.ts';
import type { TimedEvent } from '../../simulator/key-stream.ts';
import { createProgress } from '../../simulator/progress.ts';
import { writeJsonl } from '../../simulator/sinks/jsonl-file.ts';
import { type ProduceResult, produceEvents } from '../../simulator/sinks/kafka-producer.ts';
import { createKafka, ensureTopics } from '../../stream/kafka-client.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'generate simulated usage.v1 traffic with ground truth (JSONL file or Kafka at a target rate)';

const HELP = `usage: distillguard simulate --seed N --hours H [options] (--out EVENTS.jsonl | --kafka-brokers B --topic T)

  --seed N             PRNG seed (default 1); same options → same bytes
  --hours H            simulated span in hours (default 24)
  --start TIME         simulated start, RFC 3339 (default 2026-03-05T00:00:00Z)
  --keys-scale X       multiply the default population (default 1: ~660 keys, ~556k events per day)
  --hydra-members N    member keys per hydra network
  --prompt-mode M      text | fingerprint | both (default text)
  --variants LIST      archetype variants keys may use, e.g. 0,1 (default 0,1,2)
  --out FILE           write events as JSON lines
  --truth FILE         write the ground truth (key → archetype, campaign, start) as JSON
  --kafka-brokers B    produce to Kafka instead (comma-separated brokers), keyed by api_key_id
  --topic T            Kafka topic (default: DG_TOPIC_EVENTS)
  --rate R             target events per second when producing (default 5000; 0 = as fast as possible)`;

const OPTIONS = {
  seed: { type: 'string' },
  hours: { type: 'string' },
  start: { type: 'string' },
  'keys-scale': { type: 'string' },
  'hydra-members': { type: 'string' },
  'prompt-mode': { type: 'string' },
  variants: { type: 'string' },
  out: { type: 'string' },
  truth: { type: 'string' },
  'kafka-brokers': { type: 'string' },
  topic: { type: 'string' },
  rate: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

function buildSimulation(values: Values): Simulation {
  try {
    return simulate({
      seed: num(values.seed),
      hours: num(values.hours),
      start: values.start,
      keysScale: num(values['keys-scale']),
      hydraMembers: num(values['hydra-members']),
      promptMode: values['prompt-mode'] as 'text' | undefined,
      variants: values.variants?.split(',').map(Number),
    });
  } catch (error) {
    if (error instanceof z.ZodError) throw errors.badInput(z.prettifyError(error).replace(/\n/g, '; '));
    throw error;
  }
}

/** Progress by simulated time, the only total known before generating. */
function progressFor(sim: Simulation) {
  const startMs = sim.options.start;
  const bar = createProgress('simulate', Math.round(sim.options.hours * 60), 'sim-minutes');
  let shown = 0;
  const onEvent = (timed: TimedEvent, count: number) => {
    if (count - shown < 2000) return;
    shown = count;
    bar.update(Math.floor((timed.ts - startMs) / 60_000), { detail: `${count} events` });
  };
  return { bar, onEvent };
}

async function produce(sim: Simulation, values: Values, onEvent: (t: TimedEvent, n: number) => void) {
  const config = loadConfig();
  const brokers = values['kafka-brokers']!.split(',').map((b) => b.trim());
  const logger = createLogger({ level: config.log.level }).child({ component: 'simulate' });
  const rate = num(values.rate) ?? 5000;
  if (!Number.isFinite(rate) || rate < 0) throw errors.badInput('--rate must be a number ≥ 0');
  const topic = values.topic ?? config.kafka.topics.events;
  const kafka = createKafka({ ...config.kafka, brokers }, logger);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, partitions: config.stream.partitions }]).finally(() => admin.disconnect());
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const batchSize = rate === 0 ? 500 : Math.max(1, Math.min(500, Math.round(rate / 20)));
    return await produceEvents(producer, sim.timedEvents, { topic, rate, batchSize, maxInFlight: 8 }, onEvent);
  } finally {
    await producer.disconnect();
  }
}

function report(sim: Simulation, count: number, seconds: number, kafka: ProduceResult | null): void {
  const attackKeys = sim.truth.keys.filter((k) => k.label === 'attack').length;
  const lines = [
    `events: ${count} over ${sim.options.hours} simulated hours (${Math.round(count / seconds)} events/s generated)`,
    `keys: ${sim.truth.keys.length} (${attackKeys} attack, ${sim.truth.campaigns.length} campaigns)`,
  ];
  if (kafka)
    lines.push(`kafka: ${kafka.count} messages in ${kafka.seconds.toFixed(1)} s = ${Math.round(kafka.rate)}/s`);
  console.error(lines.join('\n'));
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('simulate', argv, OPTIONS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.out && !values['kafka-brokers']) throw errors.badInput('give --out FILE or --kafka-brokers B');
  const sim = buildSimulation(values);
  if (values.truth) await writeFile(values.truth, `${JSON.stringify(sim.truth, null, 2)}\n`);
  const { bar, onEvent } = progressFor(sim);
  const startedAt = performance.now();
  let kafka: ProduceResult | null = null;
  let count: number;
  try {
    if (values['kafka-brokers']) {
      kafka = await produce(sim, values, onEvent);
      count = kafka.count;
    } else {
      count = await writeJsonl(values.out!, sim.timedEvents, onEvent);
    }
    bar.update(Math.round(sim.options.hours * 60), { detail: `${count} events` });
  } finally {
    bar.stop();
  }
  report(sim, count, (performance.now() - startedAt) / 1000, kafka);
  return 0;
}
