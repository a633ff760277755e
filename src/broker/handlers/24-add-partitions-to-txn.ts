/**
 * AddPartitionsToTxn (key 24), versions 0-3 (v2 answers PRODUCER_FENCED, older versions
 * INVALID_PRODUCER_EPOCH; v3 flexible). These are the client versions: kafkajs sends 1,
 * librdkafka and Java up to 3.
 *
 * The partitions join the producer's transaction, which opens (Ongoing) with the first of them.
 * One outcome for the whole request, as Kafka: if a partition does not exist it is
 * UNKNOWN_TOPIC_OR_PARTITION and every other partition OPERATION_NOT_ATTEMPTED; otherwise every
 * partition carries the coordinator's code (INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED,
 * CONCURRENT_TRANSACTIONS, ...).
 * Left out: v4-5, the batched verify-only form brokers send each other (KIP-890).
 */
import { ErrorCode, type AddPartitionsToTxnRequest, type AddPartitionsToTxnResponse } from '../../../protocol/index.js';
import { afterStateSync, fencedForVersion } from '../../coordinator/transactions/txn-errors.js';
import { defineHandler } from '../handler.js';

type Topics = AddPartitionsToTxnRequest.AddPartitionsToTxnTopic[];

export const addPartitionsToTxn = defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  versions: { min: 0, max: 3 },
  handle(request, ctx) {
    const { broker } = ctx;
    const topics = request.v3AndBelowTopics;
    const missing = new Set<string>();
    for (const t of topics) for (const p of t.partitions) if (!broker.logs.partition(t.name, p)) missing.add(`${t.name}\0${p}`);
    if (missing.size > 0) {
      return answer(topics, (t, p) => (missing.has(`${t}\0${p}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    const code = broker.transactions.addPartitions(
      request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch,
      topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition }))),
    );
    return afterStateSync(broker.transactions, answer(topics, () => fencedForVersion(code, ctx.apiVersion, 2)),
      () => answer(topics, () => ErrorCode.COORDINATOR_NOT_AVAILABLE));
  },
  errorResponse: (request, errorCode) => answer(request.v3AndBelowTopics, () => errorCode),
});

function answer(topics: Topics, codeOf: (topic: string, partition: number) => number): AddPartitionsToTxnResponse {
  return {
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codeOf(t.name, partitionIndex) })),
    })),
  };
}
