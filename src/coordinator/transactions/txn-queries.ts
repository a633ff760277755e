/**
 * The read-only views of the transaction coordinator: DescribeTransactions (kafka-transactions.sh
 * describe) and ListTransactions (kafka-transactions.sh list), as Kafka answers them.
 */
import { ErrorCode } from '../../../protocol/index.js';
import { STATE_NAMES, stateByName, TxnState, type TxnMetadata } from './txn-state.js';

export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export function describeTransaction(txns: ReadonlyMap<string, TxnMetadata>, id: string): DescribedTxn {
  const txn = txns.get(id);
  if (!txn || txn.state === TxnState.Dead) {
    return {
      errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '', transactionTimeoutMs: 0,
      transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [],
    };
  }
  const byTopic = new Map<string, number[]>();
  for (const p of txn.partitions.values()) {
    const list = byTopic.get(p.topic);
    if (list) list.push(p.partition);
    else byTopic.set(p.topic, [p.partition]);
  }
  return {
    errorCode: ErrorCode.NONE,
    transactionalId: id,
    transactionState: STATE_NAMES[txn.state],
    transactionTimeoutMs: txn.timeoutMs,
    transactionStartTimeMs: txn.startMs,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

export interface ListFilters {
  states: string[];
  producerIds: number[];
  /** v1: only transactions running longer than this (ms); -1: no filter. */
  durationMs: number;
}

export function listTransactions(txns: ReadonlyMap<string, TxnMetadata>, filters: ListFilters, now: number) {
  const unknownStateFilters = filters.states.filter((s) => stateByName(s) === undefined);
  const states = new Set(filters.states.map(stateByName).filter((s) => s !== undefined));
  const producerIds = new Set(filters.producerIds);
  const transactionStates = [...txns.values()]
    .filter((t) => t.state !== TxnState.Dead)
    .filter((t) => filters.states.length === 0 || states.has(t.state))
    .filter((t) => producerIds.size === 0 || producerIds.has(t.producerId))
    .filter((t) => filters.durationMs < 0 || (t.state === TxnState.Ongoing && now - t.startMs > filters.durationMs))
    .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: STATE_NAMES[t.state] }));
  return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}
