/**
 * DeleteRecords (key 21), versions 0-2 (v2 flexible): moves a partition's log start offset (its
 * low watermark) forward, as kafkajs admin.deleteTopicRecords, Kafka's kafka-delete-records and
 * Kafka Streams (purging consumed repartition records) ask. Per partition, as Kafka answers:
 *   offset -1                          the high watermark (everything so far);
 *   offset < 0 or > high watermark     OFFSET_OUT_OF_RANGE;
 *   topic without cleanup.policy delete POLICY_VIOLATION;
 *   internal topic (__consumer_offsets) INVALID_TOPIC_EXCEPTION;
 *   unknown topic or partition         UNKNOWN_TOPIC_OR_PARTITION;
 *   the checkpoint could not be written KAFKA_STORAGE_ERROR.
 * An error answers lowWatermark -1. The new log start is on disk (log-start-offset-checkpoint)
 * before the answer, and sealed segments wholly below it are deleted at once
 * (storage/retention/log-maintenance.ts). Deliberately left out: timeoutMs (a single node has no
 * replicas to wait for) and ACLs (Brooklet has none).
 */
import { ErrorCode, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../../../protocol/index.js';
import { DeleteRecordsError } from '../../../storage/log-manager.js';
import type { Broker } from '../broker.js';
import { defineHandler } from '../handler.js';
import { isInternalTopic } from '../topic-names.js';

type PartitionResult = DeleteRecordsResponse.DeleteRecordsPartitionResult;
const INVALID_LOW_WATERMARK = -1;

export const deleteRecords = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  apiKey: 21,
  name: 'DeleteRecords',
  versions: { min: 0, max: 2 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => deleteOne(ctx.broker, topic.name, p.partitionIndex, p.offset)),
      })),
    };
  },
  errorResponse: (request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: INVALID_LOW_WATERMARK, errorCode })),
    })),
  }),
});

function deleteOne(broker: Broker, topic: string, partitionIndex: number, offset: number): PartitionResult {
  const failed = (errorCode: number): PartitionResult => ({ partitionIndex, lowWatermark: INVALID_LOW_WATERMARK, errorCode });
  const log = broker.logs.partition(topic, partitionIndex);
  if (log === undefined) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (isInternalTopic(topic)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION);
  try {
    return { partitionIndex, lowWatermark: broker.logs.deleteRecords(log, offset), errorCode: ErrorCode.NONE };
  } catch (err) {
    if (err instanceof DeleteRecordsError) return failed(err.code === 'POLICY_VIOLATION' ? ErrorCode.POLICY_VIOLATION : ErrorCode.OFFSET_OUT_OF_RANGE);
    return failed(ErrorCode.KAFKA_STORAGE_ERROR); // the checkpoint write failed (disk full): nothing was acknowledged
  }
}
