/**
 * The records inside a v2 batch, as the cleaner needs them, and the batch rebuilt with only the
 * records it keeps. Only the cleaner decodes records; produce and fetch never do.
 *
 * A record (all varints zigzag): length varint, then attributes int8, timestampDelta varlong,
 * offsetDelta varint, keyLength varint (-1 = null), key, valueLength varint (-1 = null = a
 * tombstone), value, headers. Its offset and timestamp are deltas from the batch's base offset
 * and base timestamp, so a kept record's bytes are copied unchanged into the rebuilt batch,
 * which keeps the original's base offset, base timestamp, last offset delta (so the batch still
 * ends where it ended: producer sequences and the swap's range rely on it), producer id, epoch,
 * base sequence and attributes; its record count, max timestamp, length and CRC are new.
 *
 * Compressed batches are decompressed and the kept records re-compressed with the same codec.
 * Node has gzip built in; snappy, lz4 and zstd are not (Node 20 has no zstd, and no library for
 * them is installed): such a batch is kept whole, and the cleaner counts it (`unsupportedCodec`).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { BATCH_HEADER_SIZE, COMPRESSION_MASK, readInt64, writeInt64 } from '../batch-header.js';
import { computeBatchCrc } from '../../protocol/record-batch.js';

const GZIP = 1;
const LOG_APPEND_TIME_BIT = 0x08;
export const CONTROL_BIT = 0x20;
export const TRANSACTIONAL_BIT = 0x10;

export interface RecordView {
  /** Absolute offset. */
  offset: number;
  timestampDelta: number;
  /** Null for a record without a key. */
  key: Buffer | null;
  /** True when the value is null (a tombstone). */
  tombstone: boolean;
  /** The record's bytes, length prefix included. */
  bytes: Buffer;
}

export class UnsupportedCodecError extends Error {}

class VarintReader {
  constructor(
    private readonly buf: Buffer,
    public at: number,
  ) {}

  /** Zigzag varint up to 64 bits, as a JS number (exact below 2^53). */
  varint(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.buf.length) throw new Error('record runs past the end of its batch');
      const byte = this.buf[this.at++]!;
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  bytes(length: number): Buffer {
    if (length < 0 || this.at + length > this.buf.length) throw new Error('record field runs past the end of its batch');
    const out = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
}

export function compressionOf(batch: Buffer): number {
  return batch.readInt16BE(21) & COMPRESSION_MASK;
}

function payloadOf(batch: Buffer): Buffer {
  const payload = batch.subarray(BATCH_HEADER_SIZE);
  const codec = compressionOf(batch);
  if (codec === 0) return payload;
  if (codec === GZIP) return gunzipSync(payload);
  throw new UnsupportedCodecError(`compression codec ${codec}`);
}

/** The records of a whole batch (decompressed when needed). Throws UnsupportedCodecError. */
export function readRecords(batch: Buffer): RecordView[] {
  const baseOffset = readInt64(batch, 0);
  const count = batch.readInt32BE(57);
  const payload = payloadOf(batch);
  const reader = new VarintReader(payload, 0);
  const records: RecordView[] = [];
  for (let i = 0; i < count; i++) {
    const start = reader.at;
    const length = reader.varint();
    const bodyStart = reader.at;
    if (length < 0 || bodyStart + length > payload.length) throw new Error('record length runs past the end of its batch');
    reader.at += 1; // attributes
    const timestampDelta = reader.varint();
    const offsetDelta = reader.varint();
    const keyLength = reader.varint();
    const key = keyLength < 0 ? null : reader.bytes(keyLength);
    const valueLength = reader.varint();
    reader.at = bodyStart + length;
    records.push({ offset: baseOffset + offsetDelta, timestampDelta, key, tombstone: valueLength < 0, bytes: payload.subarray(start, bodyStart + length) });
  }
  return records;
}

/** The batch with only `kept` (a subset of its records, in order), same codec; header fields as described above. */
export function rebuildBatch(original: Buffer, kept: readonly RecordView[]): Buffer {
  const codec = compressionOf(original);
  let payload = Buffer.concat(kept.map((r) => r.bytes));
  if (codec === GZIP) payload = gzipSync(payload);
  else if (codec !== 0) throw new UnsupportedCodecError(`compression codec ${codec}`);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, 8);
  const attributes = original.readInt16BE(21);
  if ((attributes & LOG_APPEND_TIME_BIT) === 0) {
    const baseTimestamp = readInt64(original, 27);
    const maxDelta = kept.reduce((max, r) => Math.max(max, r.timestampDelta), kept.length > 0 ? -Infinity : 0);
    writeInt64(out, 35, baseTimestamp + maxDelta);
  }
  out.writeInt32BE(kept.length, 57);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}
