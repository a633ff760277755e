/**
 * OffsetForLeaderEpoch (key 23), versions 2-3.
 * Clients ask "where does epoch E end?" to validate their position after a seek or leader change.
 * Brooklet has one leader epoch, 0, for the life of every partition: epoch 0 ends at the log end
 * offset; any other epoch is unknown (-1/-1, as Kafka answers for an epoch it has not seen); a
 * current_leader_epoch newer than 0 is UNKNOWN_LEADER_EPOCH.
 */
import { ErrorCode, type OffsetForLeaderEpochRequest, type OffsetForLeaderEpochResponse } from '../../../protocol/index.js';
import { LEADER_EPOCH } from '../broker.js';
import { defineHandler, type RequestContext } from '../handler.js';

type EpochEndOffset = OffsetForLeaderEpochResponse.EpochEndOffset;

export const offsetForLeaderEpoch = defineHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  versions: { min: 2, max: 3 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => endOf(ctx, t.topic, p)) })),
    };
  },
  errorResponse: (request, errorCode) => ({
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode, leaderEpoch: -1, endOffset: -1 })),
    })),
  }),
});

function endOf(ctx: RequestContext, topic: string, p: OffsetForLeaderEpochRequest.OffsetForLeaderPartition): EpochEndOffset {
  const unknown = { partition: p.partition, leaderEpoch: -1, endOffset: -1 };
  const log = ctx.broker.logs.partition(topic, p.partition);
  if (!log) return { ...unknown, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (p.currentLeaderEpoch > LEADER_EPOCH) return { ...unknown, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH };
  if (p.leaderEpoch !== LEADER_EPOCH) return { ...unknown, errorCode: ErrorCode.NONE };
  return { partition: p.partition, errorCode: ErrorCode.NONE, leaderEpoch: LEADER_EPOCH, endOffset: log.logEndOffset };
}
