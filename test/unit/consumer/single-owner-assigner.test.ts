import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssignerProtocol, type Cluster } from 'kafkajs';
import { silentLogger } from '../../../services/common/logger.ts';
import { chooseOwner, singleOwnerAssigner } from '../../../services/consumer/single-owner-assigner.ts';

const cluster = {
  findTopicPartitionMetadata: (topic: string) =>
    topic === 'events' ? [0, 1, 2, 3].map((partitionId) => ({ partitionId })) : [],
} as unknown as Cluster;

/** What a member running the assigner sends when joining, owning or not. */
function member(memberId: string, owns: boolean) {
  const assigner = singleOwnerAssigner(() => owns)({ cluster, groupId: 'g', logger: silentLogger as never });
  return { memberId, memberMetadata: assigner.protocol({ topics: ['events'] }).metadata };
}

async function assign(members: ReturnType<typeof member>[]) {
  const leader = singleOwnerAssigner(() => false)({ cluster, groupId: 'g', logger: silentLogger as never });
  const result = await leader.assign({ members, topics: ['events'] });
  return Object.fromEntries(
    result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
  );
}

test('every partition goes to one member; the others get an empty assignment', async () => {
  assert.deepEqual(await assign([member('m-b', false), member('m-a', false), member('m-c', false)]), {
    'm-a': { events: [0, 1, 2, 3] },
    'm-b': {},
    'm-c': {},
  });
});

test('the current owner keeps the work when members join; a split with two claimants resolves to one', async () => {
  assert.deepEqual(await assign([member('m-a', false), member('m-z', true)]), {
    'm-a': {},
    'm-z': { events: [0, 1, 2, 3] },
  });
  assert.equal(
    chooseOwner([
      { memberId: 'm-y', owns: true },
      { memberId: 'm-x', owns: true },
      { memberId: 'm-a', owns: false },
    ]),
    'm-x',
  );
  assert.equal(chooseOwner([]), undefined);
});
