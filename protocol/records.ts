/*
 * Building and reading whole record batches (v2), records included. NOT for the hot path:
 * the broker never decodes records. This is for tests, benchmarks and tools.
 *
 * A record inside a batch (all varints zigzag):
 *   length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 *   keyLength varint (-1 = null), key, valueLength varint (-1 = null), value,
 *   headersCount varint, then per header: keyLength varint, key (UTF-8),
 *   valueLength varint (-1 = null), value
 * With compression, everything after recordsCount is compressed as one block (codecs/).
 */

import { CODEC_NAMES, DEFAULT_MAX_DECOMPRESSED_BYTES, compressPayload, decompressPayload, type CodecName } from './codecs/index.js';
import { ProtocolDecodeError, Reader, Writer } from './primitives.js';
import {
  COMPRESSION_MASK, TimestampType, CRC_OFFSET, RECORD_BATCH_HEADER_SIZE, LOG_OVERHEAD,
  batchSize, computeBatchCrc, readBatchHeader, type BatchHeader,
} from './record-batch.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Defaults to the batch timestamp. */
  timestamp?: number;
}

export type Compression = CodecName;

export interface EncodeBatchOptions {
  baseOffset?: number;
  records: RecordInput[];
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  compression?: Compression;
  /** Base timestamp; defaults to the first record's timestamp, else 0. */
  timestamp?: number;
  isTransactional?: boolean;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

function concat(w: Writer): Buffer {
  return Buffer.concat(w.finish());
}

function encodeRecord(rec: RecordInput, offsetDelta: number, timestampDelta: number): Buffer {
  const body = new Writer();
  body.int8(0).varlong(timestampDelta).varint(offsetDelta);
  writeVarBytes(body, rec.key);
  writeVarBytes(body, rec.value);
  const headers = rec.headers ?? [];
  body.varint(headers.length);
  for (const h of headers) {
    writeVarBytes(body, Buffer.from(h.key, 'utf8'));
    writeVarBytes(body, h.value);
  }
  const bytes = concat(body);
  return concat(new Writer().varint(bytes.length).copy(bytes));
}

function writeVarBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).copy(b);
}

/** Builds one v2 batch with a valid CRC-32C. */
export function encodeRecordBatch(opts: EncodeBatchOptions): Buffer {
  const records = opts.records;
  const baseTimestamp = opts.timestamp ?? records[0]?.timestamp ?? 0;
  let maxTimestamp = baseTimestamp;
  const encoded = records.map((rec, i) => {
    const ts = rec.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
    return encodeRecord(rec, i, ts - baseTimestamp);
  });
  const codec = CODEC_NAMES.indexOf(opts.compression ?? 'none');
  const payload = compressPayload(codec, Buffer.concat(encoded));

  let attributes = codec;
  if (opts.isTransactional) attributes |= 0x10;
  const w = new Writer();
  w.int64(opts.baseOffset ?? 0)
    .int32(RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD + payload.length)
    .int32(opts.partitionLeaderEpoch ?? -1)
    .int8(2)
    .uint32(0) // crc, filled below
    .int16(attributes)
    .int32(Math.max(records.length - 1, 0))
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(opts.producerId ?? -1)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1)
    .int32(records.length)
    .copy(payload);
  const batch = concat(w);
  batch.writeUInt32BE(computeBatchCrc(batch, 0), CRC_OFFSET);
  return batch;
}

function readVarBytes(r: Reader): Buffer | null {
  const n = r.varint();
  if (n < 0) return null;
  return r.raw(n, 'record field');
}

/**
 * Decodes the batch at pos with its records, decompressing them (any codec) to at most
 * maxDecompressedBytes; a corrupt or larger payload throws CodecError.
 */
export function decodeRecordBatch(
  buf: Buffer, pos = 0, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): { header: BatchHeader; records: DecodedRecord[] } {
  const header = readBatchHeader(buf, pos);
  if (header.magic !== 2) throw new ProtocolDecodeError(`unsupported magic ${header.magic}`);
  const end = pos + batchSize(buf, pos);
  if (end > buf.length) throw new ProtocolDecodeError('truncated record batch');
  const payload = decompressPayload(header.attributes & COMPRESSION_MASK, buf.subarray(pos + RECORD_BATCH_HEADER_SIZE, end), maxDecompressedBytes);

  const r = new Reader(payload);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordsCount; i++) {
    const length = r.varint();
    const rr = new Reader(r.raw(length, 'record'));
    const attributes = rr.int8();
    const timestampDelta = rr.varlong();
    const offsetDelta = rr.varint();
    const key = readVarBytes(rr);
    const value = readVarBytes(rr);
    const headerCount = rr.varint();
    if (headerCount < 0 || headerCount > rr.remaining()) throw new ProtocolDecodeError(`bad header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = readVarBytes(rr);
      if (hk === null) throw new ProtocolDecodeError('null record header key');
      headers.push({ key: hk.toString('utf8'), value: readVarBytes(rr) });
    }
    records.push({
      offset: header.baseOffset + offsetDelta,
      // With LogAppendTime every record carries the batch's maxTimestamp.
      timestamp: header.timestampType === TimestampType.LogAppendTime
        ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      attributes, key, value, headers,
    });
  }
  return { header, records };
}
