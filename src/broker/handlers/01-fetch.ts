/**
 * Fetch (key 1), versions 4-17. v13+ name topics by id only (the id Metadata v10+ gave); an id
 * this broker does not know answers UNKNOWN_TOPIC_ID on each of its partitions, as Kafka does.
 * v15-17 add only fields for followers and KRaft voters (replica state, directory ids), which a
 * single node ignores.
 *
 * Reads each requested partition from its fetch offset: at most partition_max_bytes per partition
 * and max_bytes in all, stopping at batch boundaries, except that the first partition with data
 * returns at least one whole batch even when it is larger (KIP-74). Record data is returned as
 * slices of the log (zero-copy from sealed segments), never decoded.
 * Long poll: when fewer than min_bytes are available and max_wait_ms > 0, the request waits until
 * an append to one of its partitions brings enough data, or max_wait_ms passes.
 * Single node: the high watermark is the log end offset; the last stable offset is the first offset
 * of the oldest open transaction (or the log end). isolation_level 1 (read_committed) reads only
 * below the LSO and lists the aborted transactions overlapping what it read (bounded as Kafka
 * bounds them, storage/log.ts abortedUpperBound); read_uncommitted gets a null list, as from
 * Kafka. A long poll is also woken by a transaction marker (the LSO moved). Fetch sessions
 * (KIP-227) are not kept: every response carries session id 0, which tells the client to send full
 * fetches; a request naming a session id gets FETCH_SESSION_ID_NOT_FOUND.
 */
import { ErrorCode, type FetchRequest, type FetchResponse } from '../../../protocol/index.js';
import { LEADER_EPOCH } from '../broker.js';
import { FetchWaiters } from '../fetch-waiters.js';
import { recordsInDenseRead, type RecordCountHint } from '../../metrics/batch-counts.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { PartitionLog } from '../../../storage/log-manager.js';
import { kafkaCodeOf } from '../storage-errors.js';

type PartitionData = FetchResponse.PartitionData;
const READ_COMMITTED = 1;

export const fetch = defineHandler<FetchRequest, FetchResponse>({
  apiKey: 1,
  name: 'Fetch',
  versions: { min: 4, max: 17 },
  handle(request, ctx) {
    if (request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const first = readAll(request, ctx);
    if (first.bytes >= request.minBytes || request.maxWaitMs <= 0 || first.hasError) return first.response;
    return longPoll(request, ctx, first.response);
  },
  errorResponse: (_request, errorCode) => ({ throttleTimeMs: 0, errorCode, sessionId: 0, responses: [] }),
});

/** Waits for appends; at shutdown answers what it already had (the logs are closing under it). */
async function longPoll(request: FetchRequest, ctx: RequestContext, before: FetchResponse): Promise<FetchResponse> {
  const keys = request.topics.flatMap((t) => t.partitions.map((p) => FetchWaiters.key(topicName(ctx, t) ?? '', p.partition)));
  const deadline = Date.now() + request.maxWaitMs;
  for (;;) {
    const remaining = deadline - Date.now();
    const woken = remaining > 0 && (await ctx.broker.waiters.wait(keys, remaining));
    if (ctx.broker.stopping) return before;
    const result = readAll(request, ctx);
    if (!woken || result.bytes >= request.minBytes || result.hasError || Date.now() >= deadline) {
      return result.response;
    }
  }
}

function readAll(request: FetchRequest, ctx: RequestContext): { response: FetchResponse; bytes: number; hasError: boolean } {
  let budget = request.maxBytes;
  let bytes = 0;
  let hasError = false;
  const readCommitted = request.isolationLevel === READ_COMMITTED;
  const responses = request.topics.map((topic) => {
    const name = topicName(ctx, topic);
    return {
      // v13+ answer by id only (the name is not on the wire); the name stays for the metrics' per-topic counts.
      topic: name ?? topic.topic,
      topicId: topic.topicId,
      partitions: topic.partitions.map((p) => {
        const data = name === undefined
          ? failed(p.partition, ErrorCode.UNKNOWN_TOPIC_ID)
          : readPartition(ctx, name, p, Math.min(p.partitionMaxBytes, budget), bytes === 0, readCommitted);
        if (data.errorCode !== ErrorCode.NONE) hasError = true;
        const size = data.size;
        bytes += size;
        budget = Math.max(0, budget - size);
        return data.partition;
      }),
    };
  });
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, hasError };
}

/** v13+ name a topic by id; undefined for an id no topic has. */
function topicName(ctx: RequestContext, topic: FetchRequest.FetchTopic): string | undefined {
  return ctx.apiVersion >= 13 ? ctx.broker.logs.topicNameById(topic.topicId) : topic.topic;
}

function readPartition(
  ctx: RequestContext,
  topic: string,
  request: FetchRequest.FetchPartition,
  maxBytes: number,
  minOneBatch: boolean,
  readCommitted: boolean,
): { partition: PartitionData; size: number; errorCode: number } {
  const index = request.partition;
  const log = ctx.broker.logs.partition(topic, index);
  if (!log) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (request.currentLeaderEpoch > LEADER_EPOCH) return failed(index, ErrorCode.UNKNOWN_LEADER_EPOCH);
  const endOffset = log.logEndOffset;
  const startOffset = log.logStartOffset;
  const stableOffset = log.lastStableOffset;
  let read;
  try {
    read = log.read(request.fetchOffset, maxBytes, minOneBatch, readCommitted ? stableOffset : undefined);
  } catch (err) {
    // A segment damaged on disk under the broker fails this partition only (KAFKA_STORAGE_ERROR).
    const code = kafkaCodeOf(err);
    if (code === undefined) throw err;
    return failed(index, code);
  }
  // Kafka answers an out-of-range offset with -1 watermarks, like any other partition error.
  if (read.outOfRange) return failed(index, ErrorCode.OFFSET_OUT_OF_RANGE);
  const partition: PartitionData & RecordCountHint = {
    partitionIndex: index,
    errorCode: ErrorCode.NONE,
    highWatermark: endOffset,
    lastStableOffset: stableOffset,
    logStartOffset: startOffset,
    abortedTransactions: readCommitted ? abortedIn(log, request.fetchOffset, read.nextOffset, stableOffset) : null,
    preferredReadReplica: -1,
    records: read.chunks,
    // For the metrics: a dense log's records are the read's offset span (src/metrics/batch-counts.ts).
    countedRecords: ctx.broker.metrics === null || log.logConfig.cleanupPolicy.compact ? undefined : recordsInDenseRead(read.chunks, read.nextOffset),
  };
  return { partition, size: read.bytes, errorCode: ErrorCode.NONE };
}

/** Kafka answers an empty list for a read at the LSO, else the aborts overlapping the read's bound. */
function abortedIn(log: PartitionLog, fetchOffset: number, nextOffset: number, stableOffset: number): FetchResponse.AbortedTransaction[] {
  if (fetchOffset >= stableOffset || !log.hasAbortedTransactions) return [];
  return log.abortedTransactions(fetchOffset, log.abortedUpperBound(nextOffset));
}

function failed(index: number, errorCode: number): { partition: PartitionData; size: number; errorCode: number } {
  return {
    partition: { partitionIndex: index, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null },
    size: 0,
    errorCode,
  };
}
