import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIBS = join(process.env.DG_STATE_DIR ?? join(ROOT, '.data'), 'kafka', 'libs');
const LOG4J = join(ROOT, 'infra', 'kafka', 'log4j.properties');

/** Why a SASL broker cannot start here (no Java), or null. Missing jars are an error, not a skip: `make up` fetches them. */
export function saslBrokerUnavailable(): string | null {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return java.error || java.status !== 0 ? 'java not found: the SASL/SCRAM broker test needs Java 17' : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface SaslBroker {
  /** host:port of the SASL_PLAINTEXT listener. */
  readonly broker: string;
  stop(): Promise<void>;
}

/**
 * A private single-node KRaft broker from the dev broker's jars whose only client listener is SASL_PLAINTEXT with
 * SCRAM-SHA-256; the user exists from `kafka-storage format --add-scram`. Small heap; its directory is removed on stop.
 */
export async function startSaslBroker(
  user: { name: string; password: string },
  timeoutMs = 120_000,
): Promise<SaslBroker> {
  if (!existsSync(join(LIBS, '.complete')))
    throw new Error(`Kafka jars missing in ${LIBS}: run \`make up\` (it fetches them) before the integration tests`);
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'dg-sasl-kafka-'));
  const properties = join(dir, 'server.properties');
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.name}" password="${user.password}";`;
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=SASL_PLAINTEXT',
      'sasl.enabled.mechanisms=SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
      `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${jaas}`,
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
    ].join('\n'),
  );
  const jvm = ['-cp', `${LIBS}/*`, `-Dlog4j.configuration=file:${LOG4J}`, `-Dkafka.logs.dir=${join(dir, 'logs')}`];
  const clusterId = newClusterId();
  const format = spawnSync(
    'java',
    [
      '-Xmx128m',
      ...jvm,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      properties,
      '--add-scram',
      `SCRAM-SHA-256=[name=${user.name},password=${user.password}]`,
    ],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka-storage format failed: ${format.stderr || format.stdout}`);
  }

  const child: ChildProcess = spawn(
    'java',
    ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true', ...jvm, 'kafka.Kafka', properties],
    { stdio: 'ignore', env: { ...process.env, KAFKA_HEAP_OPTS: '-Xmx256m' } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const log = join(dir, 'logs', 'server.log');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (text.includes('Kafka Server started')) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = text.split('\n').slice(-20).join('\n');
      await stop();
      throw new Error(`the SASL broker did not start (exit ${child.exitCode}); last log lines:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { broker: `127.0.0.1:${port}`, stop };
}

/**
 * A Kafka cluster id: 16 random bytes in base64url, never starting with '-', which StorageTool would read as an option
 * (`--cluster-id: expected one argument`, one run in 64); Kafka's own Uuid.randomUuid retries the same way.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
