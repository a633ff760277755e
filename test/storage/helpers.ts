/**
 * A small v2 record batch builder for storage tests (the protocol's own encoder lives in
 * protocol/records.ts; storage tests do not depend on it). Records are valid v2 records:
 * varint length, attributes, timestamp delta, offset delta, key, value, no headers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { onTestFinished } from 'vitest';

export interface TestRecord {
  value: Buffer | string;
  key?: Buffer | string | null;
  timestamp?: number;
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
  partitionLeaderEpoch?: number;
}

function zigzagVarint(value: number): Buffer {
  // zigzag for values within the safe integer range
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function bytesField(value: Buffer | string | null | undefined): Buffer {
  if (value === null || value === undefined) return zigzagVarint(-1);
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([zigzagVarint(data.length), data]);
}

function writeInt64(buf: Buffer, at: number, value: number): void {
  buf.writeBigInt64BE(BigInt(value), at);
}

export function buildBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? 1_700_000_000_000;
  const encoded = records.map((record, i) => {
    const timestamp = record.timestamp ?? baseTimestamp + i;
    const body = Buffer.concat([
      Buffer.from([0]),
      zigzagVarint(timestamp - baseTimestamp),
      zigzagVarint(i),
      bytesField(record.key),
      bytesField(record.value),
      zigzagVarint(0),
    ]);
    return Buffer.concat([zigzagVarint(body.length), body]);
  });
  const maxTimestamp = Math.max(...records.map((r, i) => r.timestamp ?? baseTimestamp + i));
  const header = Buffer.alloc(61);
  writeInt64(header, 0, 0);
  header.writeInt32BE(options.partitionLeaderEpoch ?? -1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(options.attributes ?? 0, 21);
  header.writeInt32BE(records.length - 1, 23);
  writeInt64(header, 27, baseTimestamp);
  writeInt64(header, 35, maxTimestamp);
  writeInt64(header, 43, options.producerId ?? -1);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, ...encoded]);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch.subarray(21)) >>> 0, 17);
  return batch;
}

/** A batch of `count` records whose values are `size` bytes each. */
export function batchOf(count: number, size = 20, options: BatchOptions = {}): Buffer {
  return buildBatch(
    Array.from({ length: count }, (_, i) => ({ value: Buffer.alloc(size, i % 251) })),
    options,
  );
}

/** Walks whole batches in a read result: [baseOffset, lastOffset] of each. */
export function batchRanges(chunks: Buffer[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      const base = Number(chunk.readBigInt64BE(at));
      ranges.push([base, base + chunk.readInt32BE(at + 23)]);
      at += 12 + chunk.readInt32BE(at + 8);
    }
    if (at !== chunk.length) throw new Error('chunk does not end on a batch boundary');
  }
  return ranges;
}

export function tempDir(prefix = 'brooklet-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh temporary directory, removed when the current test has finished. */
export function tempDirForTest(prefix?: string): string {
  const dir = tempDir(prefix);
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
