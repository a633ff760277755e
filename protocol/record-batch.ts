/*
 * Record batch v2 (magic 2): a read-only view of the header, plus the few in-place edits a
 * broker makes. Records themselves are never decoded here (hot path).
 *
 *   offset  size  field
 *   0       8     baseOffset            int64   \ outside the CRC:
 *   8       4     batchLength           int32   | rewritable in place
 *   12      4     partitionLeaderEpoch  int32   /
 *   16      1     magic                 int8    (must be 2)
 *   17      4     crc                   uint32  CRC-32C of bytes [21, 12 + batchLength)
 *   21      2     attributes            int16   bits 0-2 compression (0 none, 1 gzip,
 *                                               2 snappy, 3 lz4, 4 zstd), bit 3 timestamp
 *                                               type (1 = LogAppendTime), bit 4
 *                                               transactional, bit 5 control
 *   23      4     lastOffsetDelta       int32
 *   27      8     baseTimestamp         int64
 *   35      8     maxTimestamp          int64
 *   43      8     producerId            int64
 *   51      2     producerEpoch         int16
 *   53      4     baseSequence          int32
 *   57      4     recordsCount          int32
 *   61      ...   records
 *
 * batchLength counts the bytes after itself, so a whole batch is LOG_OVERHEAD (12) +
 * batchLength bytes. CRC-32C uses the native @node-rs/crc32 (no JS CRC loop).
 */

import { crc32c } from '@node-rs/crc32';
import { ProtocolDecodeError } from './primitives.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORD_BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes before what batchLength counts. */
export const LOG_OVERHEAD = 12;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08;
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;

export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
  /** attributes & 7: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
}

const TWO_POW_32 = 0x1_0000_0000;

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(Math.trunc(v - hi * TWO_POW_32), pos + 4);
}

function need(buf: Buffer, pos: number, n: number, what: string): void {
  if (pos < 0 || pos + n > buf.length) {
    throw new ProtocolDecodeError(`${what}: need ${n} bytes at ${pos}, buffer has ${buf.length}`);
  }
}

/** Total size of the batch at pos (LOG_OVERHEAD + batchLength); needs only 12 bytes. */
export function batchSize(buf: Buffer, pos: number): number {
  need(buf, pos, LOG_OVERHEAD, 'batch size');
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new ProtocolDecodeError(`batch length ${batchLength} is smaller than a batch header`);
  }
  return LOG_OVERHEAD + batchLength;
}

/** The header of the batch at pos. Requires the 61 header bytes (not the whole batch). */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  need(buf, pos, RECORD_BATCH_HEADER_SIZE, 'batch header');
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: readInt64(buf, pos + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordsCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
    compression: attributes & COMPRESSION_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
  };
}

/** CRC-32C over attributes..end of batch, as stored at CRC_OFFSET. */
export function computeBatchCrc(buf: Buffer, pos: number): number {
  const size = batchSize(buf, pos);
  need(buf, pos, size, 'batch');
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)) >>> 0;
}

/** True when the stored CRC matches; false on mismatch. Truncated input throws. */
export function verifyBatchCrc(buf: Buffer, pos: number): boolean {
  const size = batchSize(buf, pos);
  need(buf, pos, size, 'batch');
  return computeBatchCrc(buf, pos) === buf.readUInt32BE(pos + CRC_OFFSET);
}

/** Rewrites baseOffset in place (outside the CRC, so the CRC stays valid). */
export function writeBaseOffset(buf: Buffer, pos: number, offset: number): void {
  need(buf, pos, 8, 'base offset');
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, offset);
}

/** Rewrites partitionLeaderEpoch in place (outside the CRC). */
export function writePartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  need(buf, pos, PARTITION_LEADER_EPOCH_OFFSET + 4, 'partition leader epoch');
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Marks the batch LogAppendTime with maxTimestamp = ts and recomputes the CRC. */
export function setLogAppendTime(buf: Buffer, pos: number, ts: number): void {
  const size = batchSize(buf, pos);
  need(buf, pos, size, 'batch');
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, ts);
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}
