/**
 * OffsetDelete (key 47), version 0 (KIP-496). Java's AdminClient.deleteConsumerGroupOffsets.
 *
 * Deletes committed offsets of chosen partitions. An Empty group loses any of them; a consumer
 * group with members keeps the offsets of topics its members subscribe to
 * (GROUP_SUBSCRIBED_TO_TOPIC per partition); any other non-empty group is NON_EMPTY_GROUP.
 * Unknown group: GROUP_ID_NOT_FOUND; a partition of a topic that does not exist:
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ErrorCode, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const offsetDelete = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: 47,
  name: 'OffsetDelete',
  versions: { min: 0, max: 0 },
  handle(request, ctx) {
    const { broker } = ctx;
    const known = request.topics.flatMap((t) => t.partitions
      .filter((p) => broker.logs.partition(t.name, p.partitionIndex) !== undefined)
      .map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const result = broker.groups.offsets.deleteOffsets(request.groupId, known);
    if (result.errorCode !== ErrorCode.NONE) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    const errors = new Map(known.map((k, i) => [`${k.topic}\u0000${k.partition}`, result.errors[i]!]));
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, topics: [] }),
});
