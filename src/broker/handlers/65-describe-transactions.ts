/**
 * DescribeTransactions (key 65), version 0 (flexible). kafka-transactions.sh describe and
 * Admin.describeTransactions send it.
 *
 * Per transactional id: its state by Kafka's name (Empty, Ongoing, PrepareCommit, ...), timeout,
 * start time (-1 when none is open), producer id and epoch, and the partitions of the open
 * transaction; an unknown id is TRANSACTIONAL_ID_NOT_FOUND.
 */
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../../protocol/index.js';
import { describeTransaction } from '../../coordinator/transactions/txn-queries.js';
import { defineHandler } from '../handler.js';

export const describeTransactions = defineHandler<DescribeTransactionsRequest, DescribeTransactionsResponse>({
  apiKey: 65,
  name: 'DescribeTransactions',
  versions: { min: 0, max: 0 },
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => describeTransaction(ctx.broker.transactions.txns, id)),
    };
  },
  errorResponse: (request, errorCode) => ({
    transactionStates: request.transactionalIds.map((transactionalId) => ({
      errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1,
      producerId: -1, producerEpoch: -1, topics: [],
    })),
  }),
});
