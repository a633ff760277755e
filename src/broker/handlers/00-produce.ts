/**
 * Produce (key 0), versions 0-8 advertised; 3-8 implemented (v0-2 carry the old message formats and
 * are refused per partition with UNSUPPORTED_VERSION, as Kafka 4 does, but stay advertised because
 * librdkafka before 2.11.1 only enables compression when Produce v0 is in range).
 *
 * Record batches are appended as they came (compressed ones untouched): the log checks magic,
 * sizes and CRC, applies idempotent-producer rules (a duplicate of one of the last 5 batches is
 * answered with its original offset), and assigns offsets in place. Errors are per partition.
 * acks must be 0, 1 or -1; with acks=0 nothing is answered. Long-polling fetches on a partition
 * are woken after each append. A batch larger than max.message.bytes is MESSAGE_TOO_LARGE; an
 * internal topic (__consumer_offsets) is INVALID_TOPIC_EXCEPTION, as in Kafka.
 * Durability: a partition under the `always` flush policy answers only after its batch was
 * fdatasync'd, for acks=1 as well as acks=-1 (Kafka's acks=1 promises only "leader wrote it";
 * on one node the safer reading costs nothing extra, since the sync is shared anyway). The
 * handler then returns a Promise: every append of the request first, then one wait on the group
 * committer, whose round carries every other request appended meanwhile (group commit: no sync
 * per request). A failed sync answers KAFKA_STORAGE_ERROR for that partition. acks=0 requests
 * the same sync but nobody waits for it.
 * Transactional batches (attribute bit 4; one bit test keeps other batches on the fast path)
 * go only to partitions added to the producer's open transaction, checked with the transaction
 * coordinator first: INVALID_TXN_STATE when not added or no transaction is open,
 * INVALID_PRODUCER_EPOCH for a fenced producer, INVALID_PRODUCER_ID_MAPPING for an unknown one.
 * A topic's compression.type other than `producer` re-compresses batches of another codec before
 * the append (produce-compression/); a corrupt one is CORRUPT_MESSAGE and nothing is appended.
 * Not here: LogAppendTime, quotas.
 */
import {
  ATTRIBUTES_OFFSET, ErrorCode, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, TRANSACTIONAL_BIT, type ProduceRequest, type ProduceResponse,
} from '../../../protocol/index.js';
import { FetchWaiters } from '../fetch-waiters.js';
import { defineHandler, NO_RESPONSE, type RequestContext } from '../handler.js';
import { kafkaCodeOf } from '../storage-errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../configs/topic-configs.js';
import { isInternalTopic } from '../topic-names.js';
import { recompressBatches, topicRecompression } from '../produce-compression/recompress-batches.js';

type PartitionResponse = ProduceResponse.PartitionProduceResponse;

export const produce = defineHandler<ProduceRequest, ProduceResponse>({
  apiKey: 0,
  name: 'Produce',
  versions: { min: 0, max: 8 },
  handle(request, ctx) {
    const syncs: Promise<void>[] = [];
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((p) => appendPartition(ctx, request, topic.name, p.index, p.records, syncs)),
    }));
    if (request.acks === 0) return NO_RESPONSE;
    const response = { responses, throttleTimeMs: 0 };
    return syncs.length === 0 ? response : Promise.all(syncs).then(() => response);
  },
  errorResponse: (request, errorCode) => ({
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => failure(p.index, errorCode)),
    })),
  }),
});

function appendPartition(
  ctx: RequestContext, request: ProduceRequest, topicName: string, index: number, records: Buffer | null, syncs: Promise<void>[],
): PartitionResponse {
  const acks = request.acks;
  if (ctx.apiVersion < 3) return failure(index, ErrorCode.UNSUPPORTED_VERSION);
  if (acks !== 0 && acks !== 1 && acks !== -1) return failure(index, ErrorCode.INVALID_REQUIRED_ACKS);
  if (isInternalTopic(topicName)) return failure(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`);
  const { broker } = ctx;
  const log = broker.logs.partition(topicName, index);
  if (!log) return failure(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records || records.length === 0) return failure(index, ErrorCode.CORRUPT_MESSAGE);
  const maxBatch = Number(broker.logs.topicConfig(topicName, 'max.message.bytes') ?? DEFAULT_MAX_MESSAGE_BYTES);
  if (largestBatch(records) > maxBatch) return failure(index, ErrorCode.MESSAGE_TOO_LARGE);
  if (records.length > ATTRIBUTES_OFFSET && (records.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_BIT) !== 0) {
    // v1 flow: the partition must be in the producer's open transaction (AddPartitionsToTxn).
    const code = broker.transactions.verifyProduce(request.transactionalId, readProducerId(records), records.readInt16BE(PRODUCER_EPOCH_OFFSET), topicName, index);
    if (code !== ErrorCode.NONE) return failure(index, code);
  }
  try {
    // The default (`producer`, or unset) costs this one lookup: no closure, no copy.
    const compressionType = broker.logs.topicConfig(topicName, 'compression.type');
    if (compressionType !== undefined && compressionType !== 'producer') {
      records = recompressBatches(records, topicRecompression(compressionType, (key) => broker.logs.topicConfig(topicName, key)));
      if (largestBatch(records) > maxBatch) return failure(index, ErrorCode.MESSAGE_TOO_LARGE);
    }
    const result = log.append(records);
    if (!result.duplicate) broker.waiters.notify(FetchWaiters.key(topicName, index));
    const answer: PartitionResponse = {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    };
    // A retried duplicate waits too: its original may not be on disk yet.
    const durable = broker.logs.durableAck(log, result.lastOffset + 1);
    if (durable !== null) {
      syncs.push(durable.catch((err: unknown) => {
        Object.assign(answer, failure(index, kafkaCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message));
      }));
    }
    return answer;
  } catch (err) {
    const code = kafkaCodeOf(err);
    if (code === undefined) throw err;
    return failure(index, code, (err as Error).message);
  }
}

function readProducerId(records: Buffer): number {
  return records.length < PRODUCER_EPOCH_OFFSET ? -1 : records.readInt32BE(PRODUCER_ID_OFFSET) * 4294967296 + records.readUInt32BE(PRODUCER_ID_OFFSET + 4);
}

/** Size of the largest batch, walking only the 4-byte length fields (offset 8 of each batch). */
function largestBatch(records: Buffer): number {
  let largest = 0;
  for (let pos = 0; pos + 12 <= records.length;) {
    const size = 12 + records.readInt32BE(pos + 8);
    if (size <= 12) return records.length;
    largest = Math.max(largest, size);
    pos += size;
  }
  return largest;
}

function failure(index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage };
}
