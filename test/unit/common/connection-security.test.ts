import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { run as configCommand } from '../../../services/cli/commands/config.ts';
import { clickhouseClientOptions } from '../../../services/common/clickhouse/client.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { createLogger } from '../../../services/common/logger.ts';
import { kafkaSecurityOptions } from '../../../services/consumer/kafka-security.ts';

const SECRET = 'hunter2-s3cret-value';

/** A file reader over an in-memory map; other paths fail like a missing file. */
function files(contents: Record<string, string>) {
  const read: string[] = [];
  const reader = (path: string) => {
    read.push(path);
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return Buffer.from(text);
  };
  return { reader, read };
}

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return String((error as Error).message);
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

test('Kafka: plaintext without SASL by default, so kafkajs gets neither ssl nor sasl', () => {
  const kafka = loadConfig({}).kafka;
  assert.equal(kafka.ssl, null);
  assert.equal(kafka.sasl, null);
  assert.deepEqual(kafkaSecurityOptions(kafka), {});
});

test('Kafka: DG_KAFKA_SSL alone is TLS with the system CAs; CA and client certificate files are read and passed', () => {
  assert.deepEqual(kafkaSecurityOptions(loadConfig({ DG_KAFKA_SSL: 'true' }).kafka), { ssl: true });
  const kafka = loadConfig({
    DG_KAFKA_SSL: 'true',
    DG_KAFKA_SSL_CA_FILE: '/etc/dg/ca.pem',
    DG_KAFKA_SSL_CERT_FILE: '/etc/dg/client.pem',
    DG_KAFKA_SSL_KEY_FILE: '/etc/dg/client.key',
  }).kafka;
  const { reader, read } = files({ '/etc/dg/ca.pem': 'CA', '/etc/dg/client.pem': 'CERT', '/etc/dg/client.key': 'KEY' });
  const options = kafkaSecurityOptions(kafka, reader);
  assert.deepEqual(read, ['/etc/dg/ca.pem', '/etc/dg/client.pem', '/etc/dg/client.key']);
  const ssl = options.ssl as { ca: Buffer[]; cert: Buffer; key: Buffer; rejectUnauthorized: boolean };
  assert.deepEqual(
    { ca: ssl.ca.map(String), cert: String(ssl.cert), key: String(ssl.key), verify: ssl.rejectUnauthorized },
    { ca: ['CA'], cert: 'CERT', key: 'KEY', verify: true },
  );
});

test('Kafka: an unreadable certificate file is a configuration error naming the variable and the path', () => {
  const kafka = loadConfig({ DG_KAFKA_SSL: 'true', DG_KAFKA_SSL_CA_FILE: '/nope/ca.pem' }).kafka;
  assert.throws(() => kafkaSecurityOptions(kafka, files({}).reader), {
    code: 'DG_ERR_CONFIG',
    message: /DG_KAFKA_SSL_CA_FILE: cannot read \/nope\/ca\.pem \(ENOENT\)/,
  });
});

test('Kafka: each SASL mechanism maps to the kafkajs mechanism with its credentials', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    const kafka = loadConfig({
      DG_KAFKA_SASL_MECHANISM: mechanism,
      DG_KAFKA_SASL_USERNAME: 'dg',
      DG_KAFKA_SASL_PASSWORD: SECRET,
    }).kafka;
    assert.deepEqual(kafkaSecurityOptions(kafka), { sasl: { mechanism, username: 'dg', password: SECRET } });
  }
  const both = loadConfig({
    DG_KAFKA_SSL: 'true',
    DG_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    DG_KAFKA_SASL_USERNAME: 'dg',
    DG_KAFKA_SASL_PASSWORD: SECRET,
  }).kafka;
  assert.deepEqual(Object.keys(kafkaSecurityOptions(both)).sort(), ['sasl', 'ssl']);
});

test('Kafka: half-configured TLS or SASL is refused with a message naming what is missing', () => {
  assert.match(
    configError({ DG_KAFKA_SSL_CA_FILE: '/ca.pem' }),
    /DG_KAFKA_SSL_CA_FILE: is set but DG_KAFKA_SSL is false/,
  );
  assert.match(
    configError({ DG_KAFKA_SSL: 'true', DG_KAFKA_SSL_CERT_FILE: '/c.pem' }),
    /DG_KAFKA_SSL_KEY_FILE: is required with DG_KAFKA_SSL_CERT_FILE/,
  );
  assert.match(
    configError({ DG_KAFKA_SSL: 'true', DG_KAFKA_SSL_KEY_FILE: '/k.pem' }),
    /DG_KAFKA_SSL_CERT_FILE: is required with DG_KAFKA_SSL_KEY_FILE/,
  );
  assert.match(
    configError({ DG_KAFKA_SASL_MECHANISM: 'scram-sha-256', DG_KAFKA_SASL_USERNAME: 'dg' }),
    /DG_KAFKA_SASL_PASSWORD: is required with DG_KAFKA_SASL_MECHANISM=scram-sha-256/,
  );
  assert.match(
    configError({ DG_KAFKA_SASL_USERNAME: 'dg', DG_KAFKA_SASL_PASSWORD: SECRET }),
    /DG_KAFKA_SASL_USERNAME: is set but DG_KAFKA_SASL_MECHANISM is empty/,
  );
  assert.match(configError({ DG_KAFKA_SASL_MECHANISM: 'gssapi' }), /DG_KAFKA_SASL_MECHANISM/);
  assert.match(configError({ DG_KAFKA_SSL: 'maybe' }), /DG_KAFKA_SSL/);
});

test('ClickHouse: https URL, credentials and a private CA reach the driver; http stays without tls', () => {
  const plain = clickhouseClientOptions(loadConfig({}).clickhouse);
  assert.equal(plain.tls, undefined);
  const secured = loadConfig({
    DG_CLICKHOUSE_URL: 'https://ch.internal:8443',
    DG_CLICKHOUSE_USER: 'dg',
    DG_CLICKHOUSE_PASSWORD: SECRET,
    DG_CLICKHOUSE_CA_FILE: '/etc/dg/ch-ca.pem',
  }).clickhouse;
  const options = clickhouseClientOptions(secured, files({ '/etc/dg/ch-ca.pem': 'CHCA' }).reader);
  assert.equal(options.url, 'https://ch.internal:8443');
  assert.equal(options.username, 'dg');
  assert.equal(options.password, SECRET);
  assert.equal(String((options.tls as { ca_cert: Buffer }).ca_cert), 'CHCA');
  assert.throws(() => clickhouseClientOptions(secured, files({}).reader), /DG_CLICKHOUSE_CA_FILE: cannot read/);
});

test('ClickHouse: a CA file without https, a non-http URL and credentials inside the URL are refused', () => {
  assert.match(
    configError({ DG_CLICKHOUSE_CA_FILE: '/ca.pem' }),
    /DG_CLICKHOUSE_CA_FILE: is set but DG_CLICKHOUSE_URL/,
  );
  assert.match(configError({ DG_CLICKHOUSE_URL: 'ftp://ch:21' }), /DG_CLICKHOUSE_URL/);
  const message = configError({ DG_CLICKHOUSE_URL: `https://dg:${SECRET}@ch:8443` });
  assert.match(message, /DG_CLICKHOUSE_URL: must not carry credentials/);
  assert.doesNotMatch(message, new RegExp(SECRET));
});

test('secrets: config errors, `config`, `config --check` and logged configuration never show a password', async () => {
  const env = {
    DG_KAFKA_SASL_MECHANISM: 'plain',
    DG_KAFKA_SASL_PASSWORD: SECRET,
    DG_CLICKHOUSE_PASSWORD: SECRET,
  };
  assert.doesNotMatch(configError(env), new RegExp(SECRET));

  const saved = { ...process.env };
  const printed: string[] = [];
  const log = console.log;
  Object.assign(process.env, env, { DG_KAFKA_SASL_USERNAME: 'dg' });
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    for (const argv of [[], ['--markdown'], ['--check']]) assert.equal(await configCommand(argv), 0);
  } finally {
    console.log = log;
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
  assert.ok(printed.some((line) => line.includes('DG_KAFKA_SASL_PASSWORD')));
  assert.ok(printed.includes('configuration ok'));
  assert.doesNotMatch(printed.join('\n'), new RegExp(SECRET));

  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ ...env, DG_KAFKA_SASL_USERNAME: 'dg' });
  createLogger({ destination }).info({ config, kafka: config.kafka }, 'starting');
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0] ?? '', new RegExp(SECRET));
  assert.match(lines[0] ?? '', /\[redacted\]/);
});
