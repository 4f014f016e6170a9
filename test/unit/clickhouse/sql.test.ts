import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeValue, ident, joinSql, sql, trusted } from '../../../services/common/clickhouse/sql.ts';
import { DistillGuardError } from '../../../services/common/errors.ts';

test('strings are quoted with quotes, backslashes and control characters escaped', () => {
  assert.equal(encodeValue("it's"), "'it\\'s'");
  assert.equal(encodeValue('a\\b'), "'a\\\\b'");
  assert.equal(encodeValue('l1\nl2\t\r\0'), "'l1\\nl2\\t\\r\\0'");
  assert.equal(encodeValue("'; DROP TABLE x; --"), "'\\'; DROP TABLE x; --'");
  assert.equal(encodeValue('日本 ✓'), "'日本 ✓'");
});

test('numbers, booleans, null, dates and arrays', () => {
  assert.equal(encodeValue(42), '42');
  assert.equal(encodeValue(-1.5), '-1.5');
  assert.equal(encodeValue(true), '1');
  assert.equal(encodeValue(null), 'NULL');
  assert.equal(encodeValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), "toDateTime('2026-01-02 03:04:05', 'UTC')");
  assert.equal(encodeValue(['a', "b'"]), "['a', 'b\\'']");
  assert.equal(encodeValue(12n), '12');
});

test('non-finite numbers, lone surrogates, objects and bad identifiers are refused', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '\uD800x', { a: 1 }, new Date('x')]) {
    assert.throws(
      () => encodeValue(bad),
      (e: unknown) => e instanceof DistillGuardError && e.code === 'DG_ERR_SQL_ENCODE',
    );
  }
  for (const bad of ['a-b', 'x; DROP', '1abc', '', 'a`b']) assert.throws(() => ident(bad), /identifier/);
});

test('sql`` encodes every interpolated value; identifiers are backquoted; trusted text passes as is', () => {
  const q = sql`SELECT * FROM ${ident('db')}.${ident('t')} WHERE k = ${"x' OR 1=1 --"} AND n > ${5} ORDER BY ${trusted('ts DESC')}`;
  assert.equal(q.text, "SELECT * FROM `db`.`t` WHERE k = 'x\\' OR 1=1 --' AND n > 5 ORDER BY ts DESC");
  assert.equal(joinSql([sql`a = ${1}`, sql`b = ${'2'}`], ' AND ').text, "a = 1 AND b = '2'");
});
