import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransientKafkaError } from '../../../services/consumer/kafka-client.ts';

test('leader moves and fresh-topic metadata are transient; configuration errors are not', () => {
  assert.ok(isTransientKafkaError({ message: 'This server is not the leader for that topic-partition' }));
  assert.ok(isTransientKafkaError({ retriable: true, message: 'anything kafkajs marks retriable' }));
  assert.ok(isTransientKafkaError({ message: 'retries exceeded', originalError: { message: 'Leader not available' } }));
  assert.ok(!isTransientKafkaError({ message: 'SASL authentication failed' }));
  assert.ok(!isTransientKafkaError({ retriable: false, message: 'Invalid replication factor' }));
  assert.ok(!isTransientKafkaError(null));
});
