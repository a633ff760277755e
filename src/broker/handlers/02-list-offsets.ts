/**
 * ListOffsets (key 2), versions 1-5.
 * Timestamp -1 (latest) answers the high watermark (= last stable offset: no transactions),
 * -2 (earliest) the log start offset, any other timestamp the first record whose timestamp is at
 * least that, found through the time index (offset -1 and timestamp -1 when none is). Later
 * sentinels (-3 max timestamp, -4 local start, -5 tiered) arrive only in versions not advertised.
 */
import { ErrorCode, type ListOffsetsRequest, type ListOffsetsResponse } from '../../../protocol/index.js';
import { LEADER_EPOCH } from '../broker.js';
import { defineHandler, type RequestContext } from '../handler.js';

type PartitionResponse = ListOffsetsResponse.ListOffsetsPartitionResponse;
const LATEST = -1;
const EARLIEST = -2;

export const listOffsets = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: 2,
  name: 'ListOffsets',
  versions: { min: 1, max: 5 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => lookup(ctx, topic.name, p)),
      })),
    };
  },
  errorResponse: (request, errorCode) => ({
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 })),
    })),
  }),
});

function lookup(ctx: RequestContext, topic: string, request: ListOffsetsRequest.ListOffsetsPartition): PartitionResponse {
  const partitionIndex = request.partitionIndex;
  const notFound = { partitionIndex, timestamp: -1, offset: -1, leaderEpoch: -1 };
  const log = ctx.broker.logs.partition(topic, partitionIndex);
  if (!log) return { ...notFound, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (request.currentLeaderEpoch > LEADER_EPOCH) return { ...notFound, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH };
  const found = (offset: number, timestamp = -1): PartitionResponse =>
    ({ partitionIndex, errorCode: ErrorCode.NONE, timestamp, offset, leaderEpoch: LEADER_EPOCH });
  if (request.timestamp === LATEST) return found(log.logEndOffset);
  if (request.timestamp === EARLIEST) return found(log.logStartOffset);
  if (request.timestamp < 0) return { ...notFound, errorCode: ErrorCode.UNSUPPORTED_VERSION };
  const hit = log.offsetForTimestamp(request.timestamp);
  return hit ? found(hit.offset, hit.timestamp) : { ...notFound, errorCode: ErrorCode.NONE };
}
