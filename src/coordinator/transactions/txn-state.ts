/**
 * What the transaction coordinator knows of one transactional id, and the states a transaction
 * moves through (Kafka's TransactionState, with its on-disk numbers):
 *
 *   Empty(0) --AddPartitions/AddOffsets--> Ongoing(1) --EndTxn commit--> PrepareCommit(2) --markers--> CompleteCommit(4)
 *                                                     --EndTxn abort---> PrepareAbort(3)  --markers--> CompleteAbort(5)
 *   Ongoing --InitProducerId from a newer producer--> PrepareEpochFence(7) --> PrepareAbort --> CompleteAbort
 *   Dead(6): the id expired (never written by Brooklet: transactional ids are kept).
 *
 * Complete* and Empty take a new transaction; Prepare* are the moments between writing the
 * decision and finishing the markers, in which every other request is CONCURRENT_TRANSACTIONS.
 */
import type { CommitEntry } from '../offsets.js';

export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateCode = (typeof TxnState)[keyof typeof TxnState];

/** Kafka's names of the states, as DescribeTransactions and ListTransactions answer them. */
export const STATE_NAMES: Readonly<Record<TxnStateCode, string>> = {
  0: 'Empty',
  1: 'Ongoing',
  2: 'PrepareCommit',
  3: 'PrepareAbort',
  4: 'CompleteCommit',
  5: 'CompleteAbort',
  6: 'Dead',
  7: 'PrepareEpochFence',
};

export function stateByName(name: string): TxnStateCode | undefined {
  const found = Object.entries(STATE_NAMES).find(([, n]) => n === name);
  return found === undefined ? undefined : (Number(found[0]) as TxnStateCode);
}

export interface TxnPartition {
  topic: string;
  partition: number;
}

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The producer id and epoch before the last bump: a retried InitProducerId is recognised by them. */
  lastProducerId: number;
  lastProducerEpoch: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateCode;
  /** Partitions of the open transaction, in the order they were added ("topic\0partition" keys). */
  partitions: Map<string, TxnPartition>;
  /** Consumer groups whose offsets the open transaction carries (AddOffsetsToTxn). */
  groups: Set<string>;
  lastUpdateMs: number;
  /** -1 while no transaction is open. */
  startMs: number;
  /** Only between replay and load's end: the offsets the last state record held, by group. */
  restoredOffsets?: Map<string, CommitEntry[]>;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

export function isPreparing(state: TxnStateCode): boolean {
  return state === TxnState.PrepareCommit || state === TxnState.PrepareAbort || state === TxnState.PrepareEpochFence;
}

export const MAX_EPOCH = 32767;

/** The next epoch of the id (the one before remembered for a retried init); a new producer id once exhausted. */
export function bumpEpoch(txn: TxnMetadata, allocate: () => number): void {
  txn.lastProducerId = txn.producerId;
  txn.lastProducerEpoch = txn.producerEpoch;
  if (txn.producerEpoch >= MAX_EPOCH - 1) {
    txn.producerId = allocate();
    txn.producerEpoch = 0;
  } else {
    txn.producerEpoch++;
  }
}
