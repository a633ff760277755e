/**
 * The record batch v2 header as storage sees it. The header view, CRC check and in-place
 * edits are protocol/record-batch.ts's (the one arrow storage -> protocol); this file adds the
 * constants and the allocation-free readers the scan and read paths use.
 *
 *   offset  size  field
 *   0       8     baseOffset            (int64, assigned by the broker; not covered by the CRC)
 *   8       4     batchLength           (int32, bytes after this field: batch size = 12 + batchLength)
 *   12      4     partitionLeaderEpoch  (int32, not covered by the CRC)
 *   16      1     magic                 (int8, must be 2)
 *   17      4     crc                   (uint32, CRC-32C of bytes 21..end of batch)
 *   21      2     attributes            (int16: bits 0-2 compression, 3 timestamp type,
 *                                        4 transactional, 5 control)
 *   23      4     lastOffsetDelta       (int32)
 *   27      8     baseTimestamp         (int64)
 *   35      8     maxTimestamp          (int64)
 *   43      8     producerId            (int64)
 *   51      2     producerEpoch         (int16)
 *   53      4     baseSequence          (int32)
 *   57      4     recordsCount          (int32)
 *   61            records...
 *
 * Everything is big-endian. Offsets and timestamps are JS numbers (exact up to 2^53).
 */
export {
  readBatchHeader,
  verifyBatchCrc,
  writeBaseOffset,
  writePartitionLeaderEpoch,
  type BatchHeader,
} from '../protocol/record-batch.js';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's coverage starts: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD = 12;
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD;
export const MAGIC_OFFSET = 16;
export const CURRENT_MAGIC = 2;
export const COMPRESSION_MASK = 0x07;

/** Reads a signed int64 as a JS number without allocating a BigInt. */
export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, value: number): void {
  const high = Math.floor(value / 4294967296);
  buf.writeInt32BE(high, at);
  buf.writeUInt32BE(value - high * 4294967296, at + 4);
}
