import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { logLevel } from 'kafkajs';
import { loadConfig } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { createKafka, ensureTopics, isTransientKafkaError } from '../../../services/consumer/kafka-client.ts';
import { type SaslBroker, saslBrokerUnavailable, startSaslBroker } from '../../helpers/sasl-broker.ts';

const USER = { name: 'dg', password: `pw-${randomBytes(8).toString('hex')}` };
const unavailable = saslBrokerUnavailable();
if (unavailable) console.log(`# skipping the SASL/SCRAM broker test: ${unavailable}`);

/** The service's own client factory, configured only through DG_KAFKA_* variables as in production. */
function serviceKafka(broker: string, password: string) {
  const config = loadConfig({
    DG_KAFKA_BROKERS: broker,
    DG_KAFKA_SASL_MECHANISM: 'scram-sha-256',
    DG_KAFKA_SASL_USERNAME: USER.name,
    DG_KAFKA_SASL_PASSWORD: password,
  });
  return createKafka(config.kafka, silentLogger, { logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

describe('Kafka SASL/SCRAM-SHA-256 from configuration (private broker)', { skip: unavailable ?? false }, () => {
  let server: SaslBroker;
  before(async () => {
    server = await startSaslBroker(USER);
  });
  after(async () => {
    await server?.stop();
  });

  test('with the right password the service client creates a topic, produces and consumes', async () => {
    const kafka = serviceKafka(server.broker, USER.password);
    const topic = 'sasl-check';
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, partitions: 1 }], 1);
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'over SCRAM' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'sasl-check-group' });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record consumed within 60 s')), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(String(message.value));
        },
      });
    });
    await consumer.disconnect();
    assert.equal(received, 'over SCRAM');
  });

  test('with a wrong password the connection fails with a non-transient SASL authentication error', async () => {
    const admin = serviceKafka(server.broker, 'not-the-password').admin();
    const error = await admin.connect().then(
      () => assert.fail('connected with a wrong password'),
      (e: unknown) => e as Error & { retriable?: boolean },
    );
    await admin.disconnect();
    assert.equal(error.name, 'KafkaJSSASLAuthenticationError');
    assert.match(error.message, /SASL SCRAM SHA256 authentication failed/);
    assert.match(error.message, /invalid credentials/i);
    assert.doesNotMatch(error.message, /not-the-password/);
    assert.equal(isTransientKafkaError(error), false);
  });
});
