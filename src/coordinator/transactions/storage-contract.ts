/**
 * What the coordinator needs of a partition log for transactions (storage/log.ts, PartitionLog,
 * owns the control batches, the last stable offset and the producer states). Reached through
 * these helpers, so a storage without them fails loudly instead of silently skipping markers.
 */
import type { AppendResult, PartitionLog } from '../../../storage/log-manager.js';

export interface Marker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

export interface ProducerStateView {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  currentTxnStartOffset: number;
}

interface TransactionalLog {
  appendControlBatch(marker: Marker, now?: number): AppendResult;
  producerStates(): ProducerStateView[];
}

function contract(log: PartitionLog, method: keyof TransactionalLog): TransactionalLog {
  const candidate = log as unknown as Partial<TransactionalLog>;
  if (typeof candidate[method] !== 'function') throw new Error(`storage has no ${method} for ${log.topic}-${log.partition}`);
  return candidate as TransactionalLog;
}

export function appendMarker(log: PartitionLog, marker: Marker, now: number): AppendResult {
  return contract(log, 'appendControlBatch').appendControlBatch(marker, now);
}

export function producerStatesOf(log: PartitionLog): ProducerStateView[] {
  return contract(log, 'producerStates').producerStates();
}
