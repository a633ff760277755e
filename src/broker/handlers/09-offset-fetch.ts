/**
 * OffsetFetch (key 9), versions 1-8 (v6+ flexible; v8 the multi-group form). kafkajs sends 4,
 * librdkafka 7/9, Java 8+.
 *
 * The committed offset, leader epoch (v5+) and metadata of each partition asked; a partition
 * without one gets offset -1, metadata "" and no error (as Kafka). A null topic list (v2+) asks
 * for every partition the group committed. Errors: v1 per partition, v2-7 top level, v8 per
 * group. With require_stable (v7+), a partition for which a transaction holds offsets not yet
 * committed or aborted answers UNSTABLE_OFFSET_COMMIT (offset -1), which clients retry.
 * Left out: v0 (ZooKeeper-stored offsets), v9 (KIP-848 member epochs).
 */
import { ErrorCode, type OffsetFetchRequest, type OffsetFetchResponse } from '../../../protocol/index.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';

type TopicsAsked = { name: string; partitionIndexes: number[] }[] | null;

export const offsetFetch = defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: 9,
  name: 'OffsetFetch',
  versions: { min: 1, max: 8 },
  handle(request, ctx) {
    const { broker } = ctx;
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => ({ groupId: g.groupId, topics: fetchGroup(broker, g.groupId, g.topics, request.requireStable), errorCode: ErrorCode.NONE })),
      };
    }
    const requireStable = ctx.apiVersion >= 7 && request.requireStable;
    return { throttleTimeMs: 0, topics: fetchGroup(broker, request.groupId, request.topics, requireStable), errorCode: ErrorCode.NONE };
  },
  errorResponse: (request, errorCode, ctx) => {
    if (ctx.apiVersion >= 8) return { groups: request.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) };
    return {
      errorCode,
      topics: (request.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode })),
      })),
    };
  },
});

function fetchGroup(broker: Broker, groupId: string, topics: TopicsAsked, requireStable: boolean) {
  const asked = topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));
  const pending = broker.transactions.pendingOffsets;
  const unstable = (topic: string, partition: number) => requireStable && pending.isPending(groupId, topic, partition);
  return broker.groups.offsets.fetch(groupId, asked).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => unstable(t.name, p.partition) ? {
      partitionIndex: p.partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    } : {
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: ErrorCode.NONE,
    }),
  }));
}
