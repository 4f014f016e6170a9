import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EvidenceIndex } from '../../../services/coordination/evidence-index.ts';
import { rarity } from '../../../services/coordination/evidence-weights.ts';
import type { KeyEvidence } from '../../../services/coordination/key-evidence.ts';
import { linkKeys, pairByChance } from '../../../services/coordination/linker.ts';

const options = { linkThreshold: 0.7, minRarity: 0.35, minClusterSize: 5, coreOverlap: 0.5 };
const rareOrgs = 25;

function evidence(content: string[], infra: string[] = []): KeyEvidence {
  return { content, infra, timing: [] };
}

/** Adds `keys` keys spread over `orgs` orgs, all with the same evidence. */
function addKeys(index: EvidenceIndex, prefix: string, keys: number, orgs: number, e: KeyEvidence): void {
  for (let k = 0; k < keys; k++) index.add(`${prefix}-${String(k).padStart(3, '0')}`, `${prefix}-org-${k % orgs}`, e);
}

function link(index: EvidenceIndex) {
  return linkKeys(index, { rareOrgs, orgs: index.orgCount }, options);
}

test('rarity counts the distinct orgs of the whole population carrying a value, the group included', () => {
  const index = new EvidenceIndex();
  addKeys(index, 'corp', 40, 1, evidence(['t:1', 's:corp']));
  addKeys(index, 'other', 100, 100, evidence(['t:2']));
  assert.equal(index.keysWith('t:1'), 40);
  assert.equal(index.orgsWith('t:1'), 1, 'one org with 40 keys is one carrier');
  assert.equal(index.orgCount, 101);
  assert.ok(rarity(300, { rareOrgs, orgs: 400 }) < 0.35, 'a value of most orgs is common');
  assert.ok(rarity(300, { rareOrgs, orgs: 100_000 }) < 0.35, 'and so is one of 300 orgs in a huge population');
  assert.equal(rarity(20, { rareOrgs, orgs: 1_000 }), 1);
  index.remove('corp-000', evidence(['t:1', 's:corp']));
  assert.equal(index.keysWith('t:1'), 39);
});

test('300 orgs sharing an SDK prompt and a framework template are not linked; a rare pair of 12 orgs is', () => {
  const index = new EvidenceIndex();
  addKeys(index, 'sdk', 300, 300, evidence(['t:9', 's:sdk'], ['a:16509']));
  addKeys(index, 'solo', 100, 100, evidence([], ['a:16509']));
  addKeys(index, 'net', 12, 12, evidence(['t:5', 's:net']));
  const groups = link(index);
  assert.equal(groups.length, 1);
  assert.deepEqual(
    groups[0]!.members,
    Array.from({ length: 12 }, (_, k) => `net-${String(k).padStart(3, '0')}`),
  );
  assert.equal(groups[0]!.cohesion, 1);
});

test('two popular values meeting in a handful of orgs are chance; a network meeting in many orgs is linked', () => {
  // 1,000 orgs; a system prompt 60 orgs carry and a vocabulary 60 orgs carry, in 6 orgs together: chance puts the
  // pair in 3.6 orgs (± 1.9), so 6 is within 3 SD. Each value alone passes the rarity floor, so the pair did link.
  const chance = pairByChance([60, 60], 1_000);
  assert.ok(chance > 9 && chance < 10, `chance ${chance}`);
  const build = (together: number) => {
    const index = new EvidenceIndex();
    addKeys(index, 'both', together, together, evidence(['s:sdk', 'v:band']));
    addKeys(index, 'sdk', 60 - together, 60 - together, evidence(['s:sdk']));
    addKeys(index, 'band', 60 - together, 60 - together, evidence(['v:band']));
    addKeys(index, 'bg', 1_000 - 120 + together, 1_000 - 120 + together, evidence([]));
    assert.equal(index.orgCount, 1_000);
    return link(index);
  };
  assert.deepEqual(build(6), [], 'six orgs sharing two popular values are no network');
  const network = build(20);
  assert.equal(network.length, 1);
  assert.equal(network[0]!.members.length, 20);
  // A rare pair (each value in 12 orgs): chance puts it in under two orgs, so five sharing it are beyond chance.
  assert.ok(pairByChance([12, 12], 1_000) < 2);
});

test('shared infrastructure alone never links keys', () => {
  const index = new EvidenceIndex();
  addKeys(index, 'paas', 50, 50, evidence(['t:1'], ['a:396982', 'p:34.1.2.0/24']));
  addKeys(index, 'other', 200, 200, evidence([]));
  assert.deepEqual(link(index), []);
});

test('two real clusters joined by one weak link stay two clusters', () => {
  const index = new EvidenceIndex();
  addKeys(index, 'a', 20, 10, evidence(['t:1', 't:2', 's:a']));
  addKeys(index, 'b', 20, 10, evidence(['t:3', 't:4', 's:b']));
  addKeys(index, 'bg', 300, 300, evidence([]));
  // One key carries the content of both networks (a bridge, or a customer of both tools).
  index.add('bridge', 'bridge-org', evidence(['t:1', 't:2', 's:a', 't:3', 't:4', 's:b']));
  const groups = link(index);
  assert.equal(groups.length, 2);
  const [first, second] = groups.map((g) => g.members);
  assert.ok(first!.filter((k) => k.startsWith('a-')).length === 20 && !first!.some((k) => k.startsWith('b-')));
  assert.ok(second!.filter((k) => k.startsWith('b-')).length === 20 && !second!.some((k) => k.startsWith('a-')));
  assert.equal(groups.filter((g) => g.members.includes('bridge')).length, 1, 'the bridge joins one of them');
});
