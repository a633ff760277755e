/**
 * DescribeProducers (key 61), version 0 (flexible). kafka-transactions.sh describe-producers
 * and Admin.describeProducers send it.
 *
 * The producers storage tracks on each partition asked (its idempotent and transactional
 * state: epoch, last sequence and timestamp, coordinator epoch, the first offset of the open
 * transaction or -1). A partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ErrorCode, type DescribeProducersRequest, type DescribeProducersResponse } from '../../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const describeProducers = defineHandler<DescribeProducersRequest, DescribeProducersResponse>({
  apiKey: 61,
  name: 'DescribeProducers',
  versions: { min: 0, max: 0 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const log = ctx.broker.logs.partition(t.name, partitionIndex);
          if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
          return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: log.producerStates() };
        }),
      })),
    };
  },
  errorResponse: (request, errorCode) => ({
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] })),
    })),
  }),
});
