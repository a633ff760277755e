/**
 * protocol/codecs against what real clients write: batches produced by the Java client
 * (kafka-clients 4.1) and by librdkafka (confluent-kafka for Python), captured byte for byte by
 * scripts/capture-codec-fixtures.mjs into fixtures/<client>-<codec>.batch. Each holds records
 * 0..n-1 of the shared record plan (test/compat/record-plan.ts). Then the framing Brooklet
 * writes, and hostile payloads: corrupt, truncated, and decompression bombs against the cap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodecError, codecId, compressPayload, decompressPayload, type CodecName } from '../../../protocol/codecs/index.js';
import { lz4DecompressedBound } from '../../../protocol/codecs/lz4.js';
import { RECORD_BATCH_HEADER_SIZE } from '../../../protocol/record-batch.js';
import { decodeRecordBatch, encodeRecordBatch } from '../../../protocol/records.js';
import { plannedRecord } from '../../compat/record-plan.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const MiB = 1024 * 1024;

function fixture(client: string, codec: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, `${client}-${codec}.batch`));
}

function text(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

function expectCodecError(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CodecError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('batches written by real clients', () => {
  for (const client of ['java', 'librdkafka']) {
    for (const codec of CODECS) {
      it(`${client} ${codec}: every record of the plan, keys, values and headers`, () => {
        const batch = fixture(client, codec);
        const { header, records } = decodeRecordBatch(batch);
        expect(header.compression).toBe(codecId(codec));
        expect(records.length).toBe(header.recordsCount);
        expect(records.length).toBeGreaterThan(1);
        records.forEach((record, i) => {
          const plan = plannedRecord(i, codec);
          expect(record.offset).toBe(i);
          expect(text(record.key)).toBe(plan.key);
          expect(text(record.value)).toBe(plan.value);
          expect(record.headers.map((h) => [h.key, text(h.value)])).toEqual(plan.headers);
        });
      });
    }
  }

  it('snappy: the Java client writes xerial framing, librdkafka a raw block; both are read', () => {
    const java = fixture('java', 'snappy').subarray(RECORD_BATCH_HEADER_SIZE);
    const rdkafka = fixture('librdkafka', 'snappy').subarray(RECORD_BATCH_HEADER_SIZE);
    expect(java.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
    expect(java.readInt32BE(8)).toBe(1);
    expect(rdkafka.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(false);
    const expected = decompressPayload(codecId('snappy'), java);
    expect(decompressPayload(codecId('snappy'), rdkafka).equals(expected)).toBe(true);
  });

  it('lz4: both clients write one LZ4 frame with independent blocks, 64 KiB maximum', () => {
    for (const client of ['java', 'librdkafka']) {
      const frame = fixture(client, 'lz4').subarray(RECORD_BATCH_HEADER_SIZE);
      expect(frame.readUInt32LE(0)).toBe(0x184d2204);
      expect(frame[4]! >> 6).toBe(1); // version
      expect(frame[4]! & 0x20).toBe(0x20); // block independence
      expect((frame[5]! >> 4) & 7).toBe(4); // 64 KiB blocks
    }
  });

  it('zstd: both clients write a standard Zstandard frame', () => {
    for (const client of ['java', 'librdkafka']) {
      expect(fixture(client, 'zstd').subarray(RECORD_BATCH_HEADER_SIZE).readUInt32LE(0)).toBe(0xfd2fb528);
    }
  });
});

describe('what Brooklet writes', () => {
  const records = Array.from({ length: 300 }, (_, i) => ({
    key: Buffer.from(`key-${i % 17}`),
    value: i % 11 === 0 ? null : Buffer.from(`value ${i} `.repeat(i % 40)),
    headers: [{ key: 'i', value: Buffer.from(String(i)) }],
  }));

  for (const codec of CODECS) {
    it(`${codec}: a batch round-trips, and the payload is the codec's framing`, () => {
      const batch = encodeRecordBatch({ records, compression: codec, timestamp: 1_700_000_000_000 });
      const decoded = decodeRecordBatch(batch);
      expect(decoded.header.compression).toBe(codecId(codec));
      expect(decoded.records.map((r) => [text(r.key), text(r.value)])).toEqual(records.map((r) => [text(r.key), text(r.value)]));
      const payload = batch.subarray(RECORD_BATCH_HEADER_SIZE);
      if (codec === 'snappy') expect(payload.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
      if (codec === 'lz4') expect(payload[4]! & 0x20).toBe(0x20); // Kafka refuses dependent blocks
      if (codec === 'zstd') expect(payload.readUInt32LE(0)).toBe(0xfd2fb528);
      if (codec === 'gzip') expect(payload.readUInt16BE(0)).toBe(0x1f8b);
    });
  }

  it('snappy: input over 32 KiB is cut into snappy-java sized chunks', () => {
    const data = Buffer.alloc(100_000, 'abc');
    const framed = compressPayload(codecId('snappy'), data);
    let chunks = 0;
    for (let at = 16; at < framed.length; at += 4 + framed.readInt32BE(at)) chunks++;
    expect(chunks).toBe(4);
    expect(decompressPayload(codecId('snappy'), framed).equals(data)).toBe(true);
  });

  it('an empty payload (a batch emptied by the cleaner) round-trips in every codec', () => {
    for (const codec of CODECS) {
      const id = codecId(codec);
      expect(decompressPayload(id, compressPayload(id, Buffer.alloc(0))).length).toBe(0);
    }
  });
});

describe('hostile payloads', () => {
  const data = Buffer.from('the same sentence, again and again. '.repeat(4000));

  it('a truncated payload is a CodecError in every codec', () => {
    for (const codec of CODECS) {
      const id = codecId(codec);
      const full = compressPayload(id, data);
      expectCodecError(() => decompressPayload(id, full.subarray(0, Math.floor(full.length / 2))), new RegExp(`^${codec}: `));
    }
  });

  it('garbage is a CodecError in every codec, never a crash', () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) & 0xff));
    for (const codec of CODECS) expectCodecError(() => decompressPayload(codecId(codec as CodecName), garbage), new RegExp(`^${codec}: `));
    expectCodecError(() => decompressPayload(5, garbage), /no such compression codec/);
  });

  it('decompression bombs stop at the cap in every codec', () => {
    const bomb = Buffer.alloc(32 * MiB);
    for (const codec of CODECS) {
      const id = codecId(codec);
      const small = compressPayload(id, bomb);
      expect(small.length).toBeLessThan(2 * MiB);
      expectCodecError(() => decompressPayload(id, small, 4 * MiB), /more than 4 MiB|too much memory/);
    }
  });

  it('snappy: a raw block declaring 4 GiB is refused from its length preamble alone', () => {
    const block = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expectCodecError(() => decompressPayload(codecId('snappy'), block, 64 * MiB), /more than 64 MiB/);
  });

  it('lz4: the bound counts every block at the frame maximum, so many tiny blocks are refused unread', () => {
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x73]); // 4 MiB blocks
    const tinyBlock = Buffer.from([0x01, 0x00, 0x00, 0x00, 0x00]);
    const frame = Buffer.concat([header, ...Array.from({ length: 100 }, () => tinyBlock), Buffer.alloc(4)]);
    expect(lz4DecompressedBound(frame)).toBe(100 * 4 * MiB);
    expectCodecError(() => decompressPayload(codecId('lz4'), frame, 64 * MiB), /more than 64 MiB/);
  });

  it('zstd: a frame asking for a window larger than the cap is refused', () => {
    const big = compressPayload(codecId('zstd'), Buffer.alloc(8 * MiB, 1));
    expectCodecError(() => decompressPayload(codecId('zstd'), big, MiB), /zstd: /);
  });

  it('gzip: a gzip bomb stops at the cap', () => {
    expectCodecError(() => decompressPayload(codecId('gzip'), gzipSync(Buffer.alloc(16 * MiB)), MiB), /more than 1 MiB/);
  });
});
