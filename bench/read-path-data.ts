/** The read-path benchmark's data and its read loop, shared by read-path.ts and read-path-extra.ts. */
import { crc32c } from '@node-rs/crc32';
import type { PartitionLog } from '../storage/log-manager.js';

export const VALUE_BYTES = 100;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

/** One uncompressed v2 batch holding one record with a VALUE_BYTES value. */
export function recordBatch(i: number, timestamp: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, i % 251);
  // record: length, attributes, timestampDelta 0, offsetDelta 0, key null (-1), value length 100, 0 headers
  const body = Buffer.from([0x00, 0x00, 0x00, 0x01, 0xc8, 0x01]);
  const record = Buffer.concat([body, value, Buffer.from([0x00])]);
  const batch = Buffer.alloc(61 + 1 + record.length);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeBigInt64BE(BigInt(timestamp), 27);
  batch.writeBigInt64BE(BigInt(timestamp), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(1, 57);
  batch[61] = record.length * 2; // zigzag varint length (< 64, one byte)
  record.copy(batch, 62);
  batch.writeUInt32BE(crc32c(batch.subarray(21)) >>> 0, 17);
  return batch;
}

/** Appends up to segmentBytes into the first segment; returns the offset just past it. */
export function fill(log: PartitionLog, segmentBytes: number): number {
  let i = 0;
  const t0 = Date.now();
  while (log.segmentList[0]!.size + 200 < segmentBytes) log.append(recordBatch(i, t0 + i), t0), i++;
  return log.segmentList[0]!.nextOffset;
}

/** Reads [0, end) in max_bytes steps, as a consumer would; copies each chunk into sink when given. Returns bytes read. */
export function readAll(log: PartitionLog, end: number, maxBytes: number, sink?: Buffer): number {
  let offset = 0;
  let bytes = 0;
  while (offset < end) {
    const result = log.read(offset, maxBytes, true);
    if (sink) for (const chunk of result.chunks) chunk.copy(sink, bytes % (sink.length - MIB));
    bytes += result.bytes;
    offset = result.nextOffset;
  }
  return bytes;
}
