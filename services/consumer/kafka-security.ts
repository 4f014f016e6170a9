import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { Config } from '../common/config/index.ts';
import { type ReadFile, readPemFile } from '../common/config/pem-file.ts';

/**
 * The TLS and SASL options kafkajs gets from DG_KAFKA_SSL* and DG_KAFKA_SASL_*: nothing when both are off (plaintext,
 * the dev broker); `ssl: true` for TLS with the system CAs, or the CA / client certificate files read once here.
 */
export function kafkaSecurityOptions(
  config: Pick<Config['kafka'], 'ssl' | 'sasl'>,
  read?: ReadFile,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  const { ssl, sasl } = config;
  if (ssl) {
    const files = {
      ...(ssl.caFile ? { ca: [readPemFile('DG_KAFKA_SSL_CA_FILE', ssl.caFile, read)] } : {}),
      ...(ssl.certFile ? { cert: readPemFile('DG_KAFKA_SSL_CERT_FILE', ssl.certFile, read) } : {}),
      ...(ssl.keyFile ? { key: readPemFile('DG_KAFKA_SSL_KEY_FILE', ssl.keyFile, read) } : {}),
    };
    options.ssl = Object.keys(files).length > 0 ? { rejectUnauthorized: true, ...files } : true;
  }
  if (sasl)
    options.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
  return options;
}
