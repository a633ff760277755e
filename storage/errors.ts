/**
 * The one table of typed storage errors. The broker maps each code to Kafka's error code of the
 * same name on the partition it concerns (STORAGE_ERROR -> KAFKA_STORAGE_ERROR,
 * UNSUPPORTED_MAGIC -> UNSUPPORTED_FOR_MESSAGE_FORMAT).
 */
export type StorageErrorCode =
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'DUPLICATE_SEQUENCE'
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'INVALID_PRODUCER_EPOCH'
  | 'INVALID_TXN_STATE'
  | 'TRANSACTION_COORDINATOR_FENCED'
  | 'STORAGE_ERROR'
  | 'UNSUPPORTED_MAGIC';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'StorageError';
    this.code = code;
  }
}
