import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bearerToken,
  hashToken,
  newTokenId,
  newTokenValue,
  tokenIdOf,
  tokenMatches,
} from '../../../services/auth/token-secret.ts';

test('a new token carries its id and 256 random bits, and matches only its own hash', () => {
  const id = newTokenId();
  const token = newTokenValue(id);
  assert.match(token, /^dg_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/);
  assert.equal(tokenIdOf(token), id);
  assert.notEqual(newTokenValue(id), token);
  assert.equal(tokenMatches(token, hashToken(token)), true);
  assert.equal(tokenMatches(`${token.slice(0, -1)}x`, hashToken(token)), false);
  assert.equal(tokenMatches(token, 'abcd'), false);
  const cachedHash = Buffer.from(hashToken(token), 'hex');
  assert.equal(tokenMatches(token, cachedHash), true, 'the hash as the cache keeps it, decoded once');
  assert.equal(tokenMatches(`${token.slice(0, -1)}x`, cachedHash), false);
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('only well-formed tokens yield an id; the bearer scheme is parsed strictly', () => {
  assert.equal(tokenIdOf('dg_123_abc'), null);
  assert.equal(tokenIdOf(`dg_${'g'.repeat(16)}_${'a'.repeat(43)}`), null);
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer   abc '), 'abc');
  assert.equal(bearerToken('Basic abc'), null);
  assert.equal(bearerToken('Bearer a b'), null);
  assert.equal(bearerToken(undefined), null);
});
