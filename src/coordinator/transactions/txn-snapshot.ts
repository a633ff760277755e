/**
 * A transaction's metadata to and from its __transaction_state record (txn-records.ts): the
 * groups of the open transaction travel with the offsets it holds for them.
 */
import type { CommitEntry } from '../offsets.js';
import type { TxnLogValue } from './txn-records.js';
import { partitionKey, TxnState, type TxnMetadata, type TxnStateCode } from './txn-state.js';

export function toLog(txn: TxnMetadata, offsetsOf: (groupId: string) => CommitEntry[]): TxnLogValue {
  return {
    producerId: txn.producerId, producerEpoch: txn.producerEpoch, timeoutMs: txn.timeoutMs, state: txn.state,
    partitions: [...txn.partitions.values()], lastUpdateMs: txn.lastUpdateMs, startMs: txn.startMs,
    groups: [...txn.groups].map((groupId) => ({ groupId, entries: offsetsOf(groupId) })),
  };
}

/** Brooklet never writes PrepareEpochFence; one read from Kafka's log is an abort under way. */
export function fromLog(id: string, v: TxnLogValue): TxnMetadata {
  const state: TxnStateCode = v.state === TxnState.PrepareEpochFence ? TxnState.PrepareAbort : v.state;
  const groups = v.groups ?? [];
  return {
    transactionalId: id, producerId: v.producerId, producerEpoch: v.producerEpoch, lastProducerId: -1, lastProducerEpoch: -1,
    timeoutMs: v.timeoutMs, state, partitions: new Map(v.partitions.map((p) => [partitionKey(p.topic, p.partition), p])),
    groups: new Set(groups.map((g) => g.groupId)), lastUpdateMs: v.lastUpdateMs, startMs: v.startMs,
    restoredOffsets: new Map(groups.map((g) => [g.groupId, g.entries])),
  };
}
