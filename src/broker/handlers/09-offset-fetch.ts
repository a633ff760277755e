/**
 * OffsetFetch (key 9), versions 1-8 (v6+ flexible; v8 the multi-group form). kafkajs sends 4,
 * librdkafka 7/9, Java 8+.
 *
 * The committed offset, leader epoch (v5+) and metadata of each partition asked; a partition
 * without one gets offset -1, metadata "" and no error (as Kafka). A null topic list (v2+) asks
 * for every partition the group committed. Errors: v1 per partition, v2-7 top level, v8 per
 * group. require_stable (v7+) needs nothing: without transactions no offset is ever pending.
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
        groups: request.groups.map((g) => ({ groupId: g.groupId, topics: fetchGroup(broker, g.groupId, g.topics), errorCode: ErrorCode.NONE })),
      };
    }
    return { throttleTimeMs: 0, topics: fetchGroup(broker, request.groupId, request.topics), errorCode: ErrorCode.NONE };
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

function fetchGroup(broker: Broker, groupId: string, topics: TopicsAsked) {
  const asked = topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));
  return broker.groups.offsets.fetch(groupId, asked).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: ErrorCode.NONE,
    })),
  }));
}
