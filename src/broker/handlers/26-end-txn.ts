/**
 * EndTxn (key 26), versions 0-4 (v2 answers PRODUCER_FENCED, older versions
 * INVALID_PRODUCER_EPOCH; v3 flexible). kafkajs sends 0-1, Java up to 4 without transactions v2.
 *
 * Commits or aborts the producer's open transaction: the decision is written to
 * __transaction_state, then the markers to every partition of the transaction, then the
 * completion (src/coordinator/transactions/txn-coordinator.ts). A retry of a finished commit
 * (or abort) answers NONE; ending it the other way is INVALID_TXN_STATE, as is ending a
 * transaction that never began. Under `--flush-policy always` the answer waits for the sync of the
 * state it wrote, as OffsetCommit's does (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn and
 * TxnOffsetCommit too).
 * Left out: v5 (KIP-890 part 2: the epoch bumped per transaction), only used with the
 * transaction.version feature, which Brooklet does not advertise yet.
 */
import { ErrorCode, type EndTxnRequest, type EndTxnResponse } from '../../../protocol/index.js';
import { afterStateSync, fencedForVersion } from '../../coordinator/transactions/txn-errors.js';
import { defineHandler } from '../handler.js';

export const endTxn = defineHandler<EndTxnRequest, EndTxnResponse>({
  apiKey: 26,
  name: 'EndTxn',
  versions: { min: 0, max: 4 },
  handle(request, ctx) {
    const code = ctx.broker.transactions.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
    return afterStateSync(ctx.broker.transactions, { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.apiVersion, 2) },
      () => ({ throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
  },
  errorResponse: (_request, errorCode) => ({ errorCode }),
});
