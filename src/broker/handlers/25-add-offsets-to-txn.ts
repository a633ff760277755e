/**
 * AddOffsetsToTxn (key 25), versions 0-4 (v2 answers PRODUCER_FENCED, older versions
 * INVALID_PRODUCER_EPOCH; v3 flexible). kafkajs sends 0, Java up to 4.
 *
 * The group's __consumer_offsets partition joins the transaction, so that the offsets the
 * producer then sends with TxnOffsetCommit commit or abort with it. An empty group id is
 * INVALID_GROUP_ID.
 */
import { ErrorCode, type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponse } from '../../../protocol/index.js';
import { afterStateSync, fencedForVersion } from '../../coordinator/transactions/txn-errors.js';
import { defineHandler } from '../handler.js';

export const addOffsetsToTxn = defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const code = ctx.broker.transactions.addOffsets(request.transactionalId, request.producerId, request.producerEpoch, request.groupId);
    return afterStateSync(ctx.broker.transactions, { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.apiVersion, 2) },
      () => ({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
  },
  errorResponse: (_request, errorCode) => ({ errorCode }),
});
