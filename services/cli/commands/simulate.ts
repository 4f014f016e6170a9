import { writeFile } from 'node:fs/promises';
import { Partitioners } from 'kafkajs';
import { z } from 'zod';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { createLogger } from '../../common/logger.ts';
import { describeIssues } from '../../common/zod-issues.ts';
import { createKafka, ensureTopics } from '../../consumer/kafka-client.ts';
import type { GroundTruth } from '../../simulator/index.ts';
import { simulate } from '../../simulator/index.ts';
import type { TimedEvent } from '../../simulator/key-stream.ts';
import { createProgress } from '../../simulator/progress.ts';
import { randomisedDataset } from '../../simulator/randomised/index.ts';
import { writeJsonl } from '../../simulator/sinks/jsonl-file.ts';
import { type ProduceResult, produceEvents } from '../../simulator/sinks/kafka-producer.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'generate simulated usage.v1 traffic with ground truth (JSONL file or Kafka at a target rate)';

export const usage = `usage: distillguard simulate --seed N --hours H [options] (--out EVENTS.jsonl | --kafka-brokers B --topic T)

  --family F           classic (default) | randomised (domain-randomised family, services/simulator/randomised/)
  --seed N             PRNG seed (default 1); same options → same bytes
  --hours H            simulated span in hours (default 24; randomised 48)
  --start TIME         simulated start, RFC 3339 (default 2026-03-05T00:00:00Z)
  --prompt-mode M      text | fingerprint | both (default text)
 classic family:
  --keys-scale X       multiply the default population (default 1: ~660 keys, ~556k events per day)
  --hydra-members N    member keys per hydra network
  --variants LIST      archetype variants keys may use, e.g. 0,1 (default 0,1,2)
 randomised family:
  --variant V          r1 | r2 | r3 (tuning) | r4 (held out) (default r1)
  --benign-keys N      benign keys (default 5000: ~3M events over 48 h)
  --attack-scale X     multiply the attack campaigns (default 1)
  --human-prompts S    ShareGPT slice for human prompts: tune | report | none (default tune; needs make data-sharegpt)
  --human-prompts-path F  human-turns.jsonl (default .data/sharegpt/human-turns.jsonl)
  --out FILE           write events as JSON lines
  --truth FILE         write the ground truth (key → archetype, campaign, start) as JSON
  --kafka-brokers B    produce to Kafka instead (comma-separated brokers), keyed by api_key_id
  --topic T            Kafka topic (default: DG_TOPIC_EVENTS)
  --rate R             target events per second when producing (default 5000; 0 = as fast as possible)`;

const OPTIONS = {
  family: { type: 'string' },
  variant: { type: 'string' },
  'benign-keys': { type: 'string' },
  'attack-scale': { type: 'string' },
  'human-prompts': { type: 'string' },
  'human-prompts-path': { type: 'string' },
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

/** What the command writes, from either family. */
interface Source {
  startMs: number;
  hours: number;
  truth: GroundTruth;
  timedEvents: Iterable<TimedEvent>;
}

const CLASSIC_ONLY = ['keys-scale', 'hydra-members', 'variants'] as const;
const RANDOMISED_ONLY = ['variant', 'benign-keys', 'attack-scale', 'human-prompts', 'human-prompts-path'] as const;

function refuseOthers(values: Values, family: string, names: readonly (keyof Values)[]): void {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length > 0) throw errors.badInput(`--${given.join(', --')} do not apply to --family ${family}`);
}

function classic(values: Values): Source {
  refuseOthers(values, 'classic', RANDOMISED_ONLY);
  const sim = simulate({
    seed: num(values.seed),
    hours: num(values.hours),
    start: values.start,
    keysScale: num(values['keys-scale']),
    hydraMembers: num(values['hydra-members']),
    promptMode: values['prompt-mode'] as 'text' | undefined,
    variants: values.variants?.split(',').map(Number),
  });
  return { startMs: sim.options.start, hours: sim.options.hours, truth: sim.truth, timedEvents: sim.timedEvents };
}

function randomised(values: Values): Source {
  refuseOthers(values, 'randomised', CLASSIC_ONLY);
  const data = randomisedDataset({
    seed: num(values.seed),
    hours: num(values.hours),
    start: values.start,
    promptMode: values['prompt-mode'] as 'text' | undefined,
    variant: values.variant as 'r1' | undefined,
    benignKeys: num(values['benign-keys']),
    attackScale: num(values['attack-scale']),
    humanPrompts: values['human-prompts'] as 'tune' | undefined,
    humanPromptsPath: values['human-prompts-path'],
  });
  if (data.warning) console.error(`simulate: ${data.warning}`);
  console.error(`simulate: dataset ${data.name}`);
  return { startMs: data.options.start, hours: data.hours, truth: data.truth, timedEvents: data.timedEvents };
}

function buildSource(values: Values): Source {
  const family = values.family ?? 'classic';
  if (family !== 'classic' && family !== 'randomised') throw errors.badInput('--family must be classic or randomised');
  try {
    return family === 'classic' ? classic(values) : randomised(values);
  } catch (error) {
    if (error instanceof z.ZodError) throw errors.badInput(describeIssues(error));
    throw error;
  }
}

/** Progress by simulated time, the only total known before generating. */
function progressFor(sim: Source) {
  const startMs = sim.startMs;
  const total = Math.round(sim.hours * 60);
  const bar = createProgress('simulate', total, 'sim-minutes');
  const began = performance.now();
  let shown = 0;
  const onEvent = (timed: TimedEvent, count: number) => {
    if (count - shown < 2000) return;
    shown = count;
    const done = Math.floor((timed.ts - startMs) / 60_000);
    const seconds = (performance.now() - began) / 1000;
    // ETA from the share of simulated time done: the event count is not known before generating.
    const eta = done > 0 ? Math.round((seconds * (total - done)) / done) : null;
    const detail = `${count} events, ${Math.round(count / Math.max(seconds, 0.001))}/s, ETA ${eta ?? '?'} s`;
    bar.update(done, { detail });
  };
  return { bar, onEvent };
}

async function produce(sim: Source, values: Values, onEvent: (t: TimedEvent, n: number) => void) {
  const config = loadConfig();
  const brokers = values['kafka-brokers']!.split(',').map((b) => b.trim());
  const logger = createLogger({ level: config.log.level }).child({ component: 'simulate' });
  const rate = num(values.rate) ?? 5000;
  if (!Number.isFinite(rate) || rate < 0) throw errors.badInput('--rate must be a number ≥ 0');
  const topic = values.topic ?? config.kafka.topics.events;
  const kafka = createKafka({ ...config.kafka, brokers }, logger);
  const admin = kafka.admin();
  await admin.connect();
  const spec = { topic, partitions: config.stream.partitions };
  await ensureTopics(admin, [spec], config.kafka.replicationFactor).finally(() => admin.disconnect());
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const batchSize = rate === 0 ? 500 : Math.max(1, Math.min(500, Math.round(rate / 20)));
    return await produceEvents(producer, sim.timedEvents, { topic, rate, batchSize, maxInFlight: 8 }, onEvent);
  } finally {
    await producer.disconnect();
  }
}

function report(sim: Source, count: number, seconds: number, kafka: ProduceResult | null): void {
  const attackKeys = sim.truth.keys.filter((k) => k.label === 'attack').length;
  const lines = [
    `events: ${count} over ${sim.hours} simulated hours (${Math.round(count / seconds)} events/s generated)`,
    `keys: ${sim.truth.keys.length} (${attackKeys} attack, ${sim.truth.campaigns.length} campaigns)`,
  ];
  if (kafka)
    lines.push(`kafka: ${kafka.count} messages in ${kafka.seconds.toFixed(1)} s = ${Math.round(kafka.rate)}/s`);
  console.error(lines.join('\n'));
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('simulate', argv, OPTIONS);
  if (!values.out && !values['kafka-brokers']) throw errors.badInput('give --out FILE or --kafka-brokers B');
  const sim = buildSource(values);
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
    bar.update(Math.round(sim.hours * 60), { detail: `${count} events` });
  } finally {
    bar.stop();
  }
  report(sim, count, (performance.now() - startedAt) / 1000, kafka);
  return 0;
}
