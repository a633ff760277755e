/**
 * PRODUCER_FENCED (90) is newer than the transaction APIs: a client on a version from before it
 * knows the same condition as INVALID_PRODUCER_EPOCH (47), which Kafka answers instead
 * (InitProducerId below v4, AddPartitionsToTxn/AddOffsetsToTxn/EndTxn below v2; TxnOffsetCommit
 * never carries it). And the answer of a request that wrote transaction state, under the `always`
 * flush policy, waits for that state's sync.
 */
import { ErrorCode } from '../../../protocol/index.js';

export function fencedForVersion(errorCode: number, apiVersion: number, fencedSince: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < fencedSince ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}

/** `answer` once the coordinator's last state record is synced (at once when nothing waits); `failed` if the sync failed. */
export function afterStateSync<T>(coordinator: { takeSync(): Promise<boolean> | null }, answer: T, failed: () => T): T | Promise<T> {
  const sync = coordinator.takeSync();
  return sync === null ? answer : sync.then((ok) => (ok ? answer : failed()));
}
