/**
 * PRODUCER_FENCED (90) is newer than the transaction APIs: a client on a version from before it
 * knows the same condition as INVALID_PRODUCER_EPOCH (47), which Kafka answers instead
 * (InitProducerId below v4, AddPartitionsToTxn/AddOffsetsToTxn/EndTxn below v2; TxnOffsetCommit
 * never carries it).
 */
import { ErrorCode } from '../../../protocol/index.js';

export function fencedForVersion(errorCode: number, apiVersion: number, fencedSince: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < fencedSince ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
