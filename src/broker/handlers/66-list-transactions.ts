/**
 * ListTransactions (key 66), versions 0-1 (flexible; v1 adds the duration filter). kafka-
 * transactions.sh list and Admin.listTransactions send it.
 *
 * Every transactional id known here, filtered by state names, producer ids and (v1) how long
 * the open transaction has been running; state names Kafka does not know come back in
 * unknown_state_filters.
 */
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../../protocol/index.js';
import { listTransactions } from '../../coordinator/transactions/txn-queries.js';
import { defineHandler } from '../handler.js';

export const listTransactionsHandler = defineHandler<ListTransactionsRequest, ListTransactionsResponse>({
  apiKey: 66,
  name: 'ListTransactions',
  versions: { min: 0, max: 1 },
  handle(request, ctx) {
    const filters = {
      states: request.stateFilters,
      producerIds: request.producerIdFilters,
      durationMs: ctx.apiVersion >= 1 ? request.durationFilter : -1,
    };
    return { throttleTimeMs: 0, ...listTransactions(ctx.broker.transactions.txns, filters, Date.now()) };
  },
  errorResponse: (_request, errorCode) => ({ errorCode, unknownStateFilters: [], transactionStates: [] }),
});
