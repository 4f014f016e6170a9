import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureDecision, fixtureState } from '../../../bench/lib/key-actions-fixture.ts';
import { DecisionTable } from '../../../services/actions/decision-table.ts';

test("the bare fastify route answers the same bytes as the API's decision for every kind of fixture key", () => {
  const writtenAt = Date.parse('2026-12-03T08:00:00Z');
  const table = new DecisionTable();
  for (let i = 0; i < 10; i++) table.apply(`act-${i}`, fixtureState(i, writtenAt));
  const askedAt = writtenAt + 60_000;
  const decisions = new Set<string>();
  for (const id of ['act-0', 'act-1', 'act-5', 'act-9', 'free-17', 'act-x']) {
    const api = { api_key_id: id, ...table.decision(id, askedAt) };
    decisions.add(api.decision);
    assert.equal(JSON.stringify(fixtureDecision(id, writtenAt)), JSON.stringify(api), id);
  }
  assert.deepEqual([...decisions].sort(), ['allow', 'deny', 'limit']);
});
