/**
 * Finding the first record at or after a timestamp inside one v2 batch (ListOffsets by time).
 *
 * Records follow the 61-byte batch header; each one starts:
 *   varint length (of the rest of the record)  int8 attributes
 *   varlong timestampDelta                      varint offsetDelta   ...key, value, headers
 * Varints are zigzag-encoded base-128. The record's timestamp is baseTimestamp + timestampDelta
 * and its offset baseOffset + offsetDelta.
 *
 * A compressed batch is decompressed (only this one batch, the one the time index led to, and
 * within the codecs' 64 MiB cap) and its records walked the same way, so the answer is the exact
 * record, as Kafka's. A batch that cannot be decompressed (stored as sent: the broker does not
 * open batches on produce), or whose records do not decode, answers at batch granularity: its
 * base offset and max timestamp.
 * With log-append time every record carries the batch's max timestamp, so the first record is
 * the answer.
 */
import { CodecError, DEFAULT_MAX_DECOMPRESSED_BYTES, decompressPayload } from '../protocol/codecs/index.js';
import { BATCH_HEADER_SIZE, COMPRESSION_MASK, readBatchHeader } from './batch-header.js';

const TIMESTAMP_TYPE_LOG_APPEND = 0x08;

export interface TimestampMatch {
  offset: number;
  timestamp: number;
}

interface Cursor {
  at: number;
}

/** Records that do not decode (a varint past the end or too long). */
class MalformedRecords extends Error {}

/** Reads a zigzag varint/varlong as a JS number (exact below 2^53). */
function readZigzag(buf: Buffer, cursor: Cursor, maxBytes: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (cursor.at >= buf.length) throw new MalformedRecords('varint runs past the batch');
    const byte = buf[cursor.at++]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      // zigzag: even -> value/2, odd -> -(value+1)/2
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    scale *= 128;
  }
  throw new MalformedRecords('varint too long');
}

/**
 * The first record of the batch (the whole batch in `batch`) whose timestamp is >= target, or
 * null if none is (the caller only asks batches whose max timestamp is >= target).
 */
export function firstRecordAtOrAfter(batch: Buffer, target: number): TimestampMatch | null {
  const header = readBatchHeader(batch, 0);
  const wholeBatch = header.maxTimestamp >= target ? { offset: header.baseOffset, timestamp: header.maxTimestamp } : null;
  if ((header.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0) return wholeBatch;
  let records = batch;
  const cursor: Cursor = { at: BATCH_HEADER_SIZE };
  const codec = header.attributes & COMPRESSION_MASK;
  if (codec !== 0) {
    try {
      records = decompressPayload(codec, batch.subarray(BATCH_HEADER_SIZE), DEFAULT_MAX_DECOMPRESSED_BYTES);
    } catch (err) {
      if (err instanceof CodecError) return wholeBatch;
      throw err;
    }
    cursor.at = 0;
  }
  try {
    for (let i = 0; i < header.recordsCount && cursor.at < records.length; i++) {
      const length = readZigzag(records, cursor, 5);
      const next = cursor.at + length;
      cursor.at += 1; // attributes
      const timestamp = header.baseTimestamp + readZigzag(records, cursor, 10);
      const offsetDelta = readZigzag(records, cursor, 5);
      if (timestamp >= target) return { offset: header.baseOffset + offsetDelta, timestamp };
      cursor.at = next;
    }
  } catch (err) {
    // Records a client stored malformed (the broker never decodes them on produce): the batch answers.
    if (err instanceof MalformedRecords) return wholeBatch;
    throw err;
  }
  return null;
}
