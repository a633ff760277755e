/**
 * Transaction markers as Kafka writes them: a control batch (attributes bit 4 transactional and
 * bit 5 control) holding exactly one control record, at one offset of its own.
 *
 *   batch header (batch-header.ts): producerId/producerEpoch of the transaction,
 *     baseSequence -1, lastOffsetDelta 0, recordsCount 1, baseTimestamp = maxTimestamp = the
 *     time the marker was written, attributes 0x0030 (never compressed).
 *   the record (v2 record layout: zigzag varints):
 *     length varint, attributes int8 0, timestampDelta varint 0, offsetDelta varint 0,
 *     keyLength varint 4,   key:   version int16 (0), type int16 (0 ABORT, 1 COMMIT)
 *     valueLength varint 6, value: version int16 (0), coordinatorEpoch int32
 *     headerCount varint 0
 *
 * Other control types (Kafka's KRaft metadata markers, types 2 and up) are not transaction
 * markers: readMarker answers null for them, as it does for a key it cannot read.
 */
import { crc32c } from '@node-rs/crc32';
import { BATCH_HEADER_SIZE, writeInt64 } from '../batch-header.js';

export const TRANSACTIONAL_ATTRIBUTE = 0x10;
export const CONTROL_ATTRIBUTE = 0x20;
const MARKER_ATTRIBUTES = TRANSACTIONAL_ATTRIBUTE | CONTROL_ATTRIBUTE;
const ABORT = 0;
const COMMIT = 1;
/** The whole record after its length varint: see the layout above. */
const RECORD_BODY_SIZE = 16;
export const CONTROL_BATCH_SIZE = BATCH_HEADER_SIZE + 1 + RECORD_BODY_SIZE;

export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

/** The marker's bytes, base offset 0 (the log assigns it), CRC-32C filled in. */
export function buildControlBatch(marker: TxnMarker, timestamp: number): Buffer {
  const out = Buffer.alloc(CONTROL_BATCH_SIZE);
  out.writeInt32BE(CONTROL_BATCH_SIZE - 12, 8); // batchLength
  out.writeInt8(2, 16); // magic
  out.writeInt16BE(MARKER_ATTRIBUTES, 21);
  out.writeInt32BE(0, 23); // lastOffsetDelta
  writeInt64(out, 27, timestamp);
  writeInt64(out, 35, timestamp);
  writeInt64(out, 43, marker.producerId);
  out.writeInt16BE(marker.producerEpoch, 51);
  out.writeInt32BE(-1, 53); // baseSequence: markers carry none
  out.writeInt32BE(1, 57); // recordsCount
  let at = BATCH_HEADER_SIZE;
  out.writeUInt8(RECORD_BODY_SIZE * 2, at++); // zigzag length
  out.writeUInt8(0, at++); // attributes
  out.writeUInt8(0, at++); // timestampDelta
  out.writeUInt8(0, at++); // offsetDelta
  out.writeUInt8(4 * 2, at++); // key length 4
  out.writeInt16BE(0, at); // key version
  out.writeInt16BE(marker.commit ? COMMIT : ABORT, at + 2);
  at += 4;
  out.writeUInt8(6 * 2, at++); // value length 6
  out.writeInt16BE(0, at); // value version
  out.writeInt32BE(marker.coordinatorEpoch, at + 2);
  at += 6;
  out.writeUInt8(0, at++); // no headers
  out.writeUInt32BE(crc32c(out.subarray(21)) >>> 0, 17);
  return out;
}

/**
 * The marker held by a control batch (`batch` holds the whole batch from its first byte),
 * or null when it is not a transaction marker.
 */
export function readMarker(batch: Buffer): { commit: boolean; coordinatorEpoch: number } | null {
  const reader = { at: BATCH_HEADER_SIZE };
  const varint = (): number => {
    let raw = 0;
    let shift = 0;
    for (;;) {
      if (reader.at >= batch.length || shift > 28) return Number.NaN;
      const byte = batch[reader.at++]!;
      raw |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return (raw >>> 1) ^ -(raw & 1);
  };
  varint(); // record length
  reader.at++; // attributes
  varint(); // timestamp delta
  varint(); // offset delta
  const keyLength = varint();
  if (keyLength < 4 || reader.at + keyLength > batch.length) return null;
  const type = batch.readInt16BE(reader.at + 2);
  reader.at += keyLength;
  if (type !== ABORT && type !== COMMIT) return null;
  const valueLength = varint();
  if (valueLength < 6 || reader.at + valueLength > batch.length) return null;
  return { commit: type === COMMIT, coordinatorEpoch: batch.readInt32BE(reader.at + 2) };
}
