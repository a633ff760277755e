/**
 * InitProducerId (key 22), versions 0-5 (v2+ flexible; v3 carries the producer id and epoch a
 * producer had, to resume after an error; v4 answers PRODUCER_FENCED, older versions
 * INVALID_PRODUCER_EPOCH). kafkajs sends 1, librdkafka up to 4, Java 5.
 * Without a transactional id Kafka always hands out a fresh producer id at epoch 0, whatever id
 * and epoch the request carries (KIP-360 bumps only matter for transactional producers); so does
 * Brooklet. Ids come from a block reserved on disk, so they are never reused after a restart.
 * With a transactional id the transaction coordinator answers (src/coordinator/transactions/):
 * the same producer id with its epoch bumped on every init, fencing the older producer.
 */
import { ErrorCode, type InitProducerIdRequest, type InitProducerIdResponse } from '../../../protocol/index.js';
import { afterStateSync, fencedForVersion } from '../../coordinator/transactions/txn-errors.js';
import { defineHandler } from '../handler.js';

export const initProducerId = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: 22,
  name: 'InitProducerId',
  versions: { min: 0, max: 5 },
  handle(request, ctx) {
    if (request.transactionalId !== null) {
      const expectedPid = ctx.apiVersion >= 3 ? request.producerId : -1;
      const expectedEpoch = ctx.apiVersion >= 3 ? request.producerEpoch : -1;
      const result = ctx.broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, expectedPid, expectedEpoch);
      const answer = { throttleTimeMs: 0, ...result, errorCode: fencedForVersion(result.errorCode, ctx.apiVersion, 4) };
      return afterStateSync(ctx.broker.transactions, answer, () => ({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1, producerEpoch: -1 }));
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.broker.producerIds.allocate(), producerEpoch: 0 };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, producerId: -1, producerEpoch: -1 }),
});
