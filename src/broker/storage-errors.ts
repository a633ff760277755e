/** The log engine's typed failures, as the Kafka error codes a client expects. */
import { ErrorCode } from '../../protocol/index.js';
import { StorageError, type StorageErrorCode } from '../../storage/errors.js';

const CODES: Record<StorageErrorCode, number> = {
  CORRUPT_MESSAGE: ErrorCode.CORRUPT_MESSAGE,
  INVALID_RECORD: ErrorCode.INVALID_RECORD,
  DUPLICATE_SEQUENCE: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
  OUT_OF_ORDER_SEQUENCE: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH: ErrorCode.INVALID_PRODUCER_EPOCH,
  INVALID_TXN_STATE: ErrorCode.INVALID_TXN_STATE,
  TRANSACTION_COORDINATOR_FENCED: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
  STORAGE_ERROR: ErrorCode.KAFKA_STORAGE_ERROR,
  UNSUPPORTED_MAGIC: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
};

/** The Kafka error code for `err`, or undefined when it is not a storage failure (a bug: rethrow). */
export function kafkaCodeOf(err: unknown): number | undefined {
  return err instanceof StorageError ? CODES[err.code] : undefined;
}
