import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const SINGLE_OWNER_PROTOCOL = 'DistillGuardSingleOwner';

const OWNS = Buffer.from('owner');

/**
 * A partition assigner that gives every partition of the subscribed topics to one member of the group and nothing
 * to the others, so Kafka's group protocol, not configuration, guarantees one owner (stage 2 needs the whole stream).
 * The current owner keeps the work when members join (it says so in its subscription); when it leaves, the group
 * rebalances and the member with the smallest id takes over. A member that only speaks another protocol cannot join.
 */
export function singleOwnerAssigner(ownsPartitions: () => boolean): PartitionAssigner {
  return ({ cluster }) => ({
    name: SINGLE_OWNER_PROTOCOL,
    version: 0,
    async assign({ members, topics }) {
      const owner = chooseOwner(
        members.map(({ memberId, memberMetadata }) => ({
          memberId,
          owns: AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData.equals(OWNS) ?? false,
        })),
      );
      const everything: Record<string, number[]> = {};
      for (const topic of topics)
        everything[topic] = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId);
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: memberId === owner ? everything : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      const userData = ownsPartitions() ? OWNS : Buffer.alloc(0);
      return {
        name: SINGLE_OWNER_PROTOCOL,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }),
      };
    },
  });
}

/** The member that already owns the work (the smallest id if, after a split, several claim it), else the smallest. */
export function chooseOwner(members: ReadonlyArray<{ memberId: string; owns: boolean }>): string | undefined {
  const byId = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  return (byId.find((m) => m.owns) ?? byId[0])?.memberId;
}
