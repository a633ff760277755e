/**
 * Finding the first record at or after a timestamp inside one v2 batch (ListOffsets by time).
 *
 * Records follow the 61-byte batch header; each one starts:
 *   varint length (of the rest of the record)  int8 attributes
 *   varlong timestampDelta                      varint offsetDelta   ...key, value, headers
 * Varints are zigzag-encoded base-128. The record's timestamp is baseTimestamp + timestampDelta
 * and its offset baseOffset + offsetDelta.
 *
 * Only uncompressed batches with create-time timestamps are decoded. For a compressed batch the
 * answer is the batch's base offset and max timestamp (a documented deviation: Kafka
 * decompresses to find the exact record); with log-append time every record carries the batch's
 * max timestamp, so the first record is the answer.
 */
import { BATCH_HEADER_SIZE, COMPRESSION_MASK, readBatchHeader } from './batch-header.js';

const TIMESTAMP_TYPE_LOG_APPEND = 0x08;

export interface TimestampMatch {
  offset: number;
  timestamp: number;
}

interface Cursor {
  at: number;
}

/** Reads a zigzag varint/varlong as a JS number (exact below 2^53). */
function readZigzag(buf: Buffer, cursor: Cursor, maxBytes: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (cursor.at >= buf.length) throw new Error('varint runs past the batch');
    const byte = buf[cursor.at++]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      // zigzag: even -> value/2, odd -> -(value+1)/2
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    scale *= 128;
  }
  throw new Error('varint too long');
}

/**
 * The first record of the batch (the whole batch in `batch`) whose timestamp is >= target, or
 * null if none is (the caller only asks batches whose max timestamp is >= target).
 */
export function firstRecordAtOrAfter(batch: Buffer, target: number): TimestampMatch | null {
  const header = readBatchHeader(batch, 0);
  if ((header.attributes & COMPRESSION_MASK) !== 0 || (header.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0) {
    return header.maxTimestamp >= target ? { offset: header.baseOffset, timestamp: header.maxTimestamp } : null;
  }
  const cursor: Cursor = { at: BATCH_HEADER_SIZE };
  for (let i = 0; i < header.recordsCount && cursor.at < batch.length; i++) {
    const length = readZigzag(batch, cursor, 5);
    const next = cursor.at + length;
    cursor.at += 1; // attributes
    const timestamp = header.baseTimestamp + readZigzag(batch, cursor, 10);
    const offsetDelta = readZigzag(batch, cursor, 5);
    if (timestamp >= target) return { offset: header.baseOffset + offsetDelta, timestamp };
    cursor.at = next;
  }
  return null;
}
