/**
 * ListOffsets (key 2), versions 1-5.
 * Timestamp -1 (latest) answers the high watermark (the log end), or under isolation_level 1
 * (read_committed, v2+) the last stable offset; -2 (earliest) the log start offset; any other
 * timestamp the first record whose timestamp is at least that, found through the time index
 * (offset -1 and timestamp -1 when none is, or when under read_committed it lies at or past the
 * LSO, as Kafka answers). Later
 * sentinels (-3 max timestamp, -4 local start, -5 tiered) arrive only in versions not advertised.
 */
import { ErrorCode, type ListOffsetsRequest, type ListOffsetsResponse } from '../../../protocol/index.js';
import { LEADER_EPOCH } from '../broker.js';
import { defineHandler, type RequestContext } from '../handler.js';

type PartitionResponse = ListOffsetsResponse.ListOffsetsPartitionResponse;
const LATEST = -1;
const EARLIEST = -2;
const READ_COMMITTED = 1;

export const listOffsets = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: 2,
  name: 'ListOffsets',
  versions: { min: 1, max: 5 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => lookup(ctx, topic.name, p, request.isolationLevel === READ_COMMITTED)),
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

function lookup(ctx: RequestContext, topic: string, request: ListOffsetsRequest.ListOffsetsPartition, readCommitted: boolean): PartitionResponse {
  const partitionIndex = request.partitionIndex;
  const notFound = { partitionIndex, timestamp: -1, offset: -1, leaderEpoch: -1 };
  const log = ctx.broker.logs.partition(topic, partitionIndex);
  if (!log) return { ...notFound, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (request.currentLeaderEpoch > LEADER_EPOCH) return { ...notFound, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH };
  const found = (offset: number, timestamp = -1): PartitionResponse =>
    ({ partitionIndex, errorCode: ErrorCode.NONE, timestamp, offset, leaderEpoch: LEADER_EPOCH });
  const lastFetchable = readCommitted ? log.lastStableOffset : log.logEndOffset;
  if (request.timestamp === LATEST) return found(lastFetchable);
  if (request.timestamp === EARLIEST) return found(log.logStartOffset);
  if (request.timestamp < 0) return { ...notFound, errorCode: ErrorCode.UNSUPPORTED_VERSION };
  const hit = log.offsetForTimestamp(request.timestamp);
  return hit && hit.offset < lastFetchable ? found(hit.offset, hit.timestamp) : { ...notFound, errorCode: ErrorCode.NONE };
}
