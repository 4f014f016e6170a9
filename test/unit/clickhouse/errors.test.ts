import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clickhouseServerCode, toClickHouseError } from '../../../services/common/clickhouse/client.ts';

const server1816 = (code: number) =>
  new Error(`Code: ${code}, e.displayText() = DB::Exception: boom, e.what() = DB::Exception`);

test('18.16 server errors: the code is read from the message; syntax errors are not retried, overload is', () => {
  assert.equal(clickhouseServerCode(server1816(62)), '62');
  assert.equal(toClickHouseError(server1816(62), 'query').retriable, false);
  assert.equal(toClickHouseError(server1816(252), 'insert').retriable, true, 'too many parts');
  assert.equal(toClickHouseError(server1816(159), 'query').retriable, true, 'timeout');
});

test('network failures carry no server code and are retriable', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18123'), { code: 'ECONNREFUSED' });
  assert.equal(clickhouseServerCode(refused), '');
  const wrapped = toClickHouseError(refused, 'insert into usage_events');
  assert.equal(wrapped.code, 'DG_ERR_CLICKHOUSE');
  assert.equal(wrapped.retriable, true);
  assert.match(wrapped.message, /insert into usage_events: connect ECONNREFUSED/);
});
