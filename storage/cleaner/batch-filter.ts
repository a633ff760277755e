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
 * Compressed batches (any of Kafka's codecs: protocol/codecs/) are decompressed, to at most
 * DEFAULT_MAX_DECOMPRESSED_BYTES, and the kept records re-compressed with the same codec, as
 * Kafka's cleaner does. A batch that cannot be read (a corrupt payload, one that would pass the
 * cap, records running past their bounds) throws UndecodableBatchError, and the cleaner keeps it
 * whole: its records are not lost, and nothing is guessed about them. (Kafka refuses such a
 * batch at produce; Brooklet does not decompress on produce, so it can reach the log.)
 */
import { CodecError, DEFAULT_MAX_DECOMPRESSED_BYTES, compressPayload, decompressPayload } from '../../protocol/codecs/index.js';
import { BATCH_HEADER_SIZE, COMPRESSION_MASK, readInt64, writeInt64 } from '../batch-header.js';
import { computeBatchCrc } from '../../protocol/record-batch.js';

const LOG_APPEND_TIME_BIT = 0x08;
export const CONTROL_BIT = 0x20;
export const TRANSACTIONAL_BIT = 0x10;
/** KIP-534: the base timestamp holds the batch's delete horizon. */
export const DELETE_HORIZON_BIT = 0x40;

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

/** A batch whose records cannot be read (corrupt, or decompressing past the cap): kept whole. */
export class UndecodableBatchError extends Error {}

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
  try {
    return decompressPayload(compressionOf(batch), batch.subarray(BATCH_HEADER_SIZE), DEFAULT_MAX_DECOMPRESSED_BYTES);
  } catch (err) {
    if (err instanceof CodecError) throw new UndecodableBatchError(err.message);
    throw err;
  }
}

/** The records of a whole batch (decompressed when needed). Throws UndecodableBatchError. */
export function readRecords(batch: Buffer): RecordView[] {
  // Outside the try: a codec library that fails to load is no fault of the batch, and must stop
  // the clean loudly rather than keep every batch of that codec whole.
  const payload = payloadOf(batch);
  try {
    return parseRecords(batch, payload);
  } catch (err) {
    throw new UndecodableBatchError(`records unreadable: ${(err as Error).message}`);
  }
}

function parseRecords(batch: Buffer, payload: Buffer): RecordView[] {
  const baseOffset = readInt64(batch, 0);
  const count = batch.readInt32BE(57);
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
    if (reader.at + Math.max(valueLength, 0) > bodyStart + length) throw new Error('record fields run past the record');
    reader.at = bodyStart + length;
    records.push({ offset: baseOffset + offsetDelta, timestampDelta, key, tombstone: valueLength < 0, bytes: payload.subarray(start, bodyStart + length) });
  }
  return records;
}

/** The batch with only `kept` (a subset of its records, in order), same codec; header fields as described above. */
export function rebuildBatch(original: Buffer, kept: readonly RecordView[]): Buffer {
  // An emptied batch is written uncompressed (as Kafka writes one), whatever its codec: nothing
  // needs decoding to empty it, so a batch of any codec can be emptied.
  const codec = kept.length === 0 ? 0 : compressionOf(original);
  const payload = compressPayload(codec, Buffer.concat(kept.map((r) => r.bytes)));
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, 8);
  const attributes = original.readInt16BE(21) & (kept.length === 0 ? ~COMPRESSION_MASK : 0xffff);
  out.writeInt16BE(attributes, 21);
  if ((attributes & LOG_APPEND_TIME_BIT) === 0) {
    const baseTimestamp = readInt64(original, 27);
    const maxDelta = kept.reduce((max, r) => Math.max(max, r.timestampDelta), kept.length > 0 ? -Infinity : 0);
    writeInt64(out, 35, baseTimestamp + maxDelta);
  }
  out.writeInt32BE(kept.length, 57);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

function zigzagVarint(value: number): Buffer {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (raw >= 0x80) {
    bytes.push((raw % 0x80) | 0x80);
    raw = Math.floor(raw / 0x80);
  }
  bytes.push(raw);
  return Buffer.from(bytes);
}

/**
 * The uncompressed batch (a transaction marker) with a delete horizon (KIP-534): attributes bit 6
 * set, `horizon` as the base timestamp, each record's timestamp delta rewritten so that its
 * timestamp (base + delta) is unchanged; max timestamp, offsets and everything else as they were.
 */
export function withDeleteHorizon(original: Buffer, horizon: number): Buffer {
  if (compressionOf(original) !== 0) throw new UnsupportedCodecError('a delete horizon is only stamped on uncompressed batches');
  const baseTimestamp = readInt64(original, 27);
  const records = readRecords(original).map((record) => {
    const reader = new VarintReader(record.bytes, 0);
    reader.varint(); // length
    const bodyStart = reader.at;
    reader.at += 1; // attributes
    reader.varint(); // timestamp delta
    const rest = record.bytes.subarray(reader.at);
    const body = Buffer.concat([record.bytes.subarray(bodyStart, bodyStart + 1), zigzagVarint(baseTimestamp + record.timestampDelta - horizon), rest]);
    return Buffer.concat([zigzagVarint(body.length), body]);
  });
  const payload = Buffer.concat(records);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(original.readInt16BE(21) | DELETE_HORIZON_BIT, 21);
  writeInt64(out, 27, horizon);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

/** The delete horizon a batch carries (KIP-534), or null. */
export function deleteHorizonOf(batch: Buffer): number | null {
  return (batch.readInt16BE(21) & DELETE_HORIZON_BIT) !== 0 ? readInt64(batch, 27) : null;
}
