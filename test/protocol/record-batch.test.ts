import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CRC_OFFSET, LOG_OVERHEAD, ProtocolDecodeError, RECORD_BATCH_HEADER_SIZE, TimestampType, batchSize,
  decodeRecordBatch, encodeRecordBatch, readBatchHeader, setLogAppendTime, verifyBatchCrc,
  writeBaseOffset, writePartitionLeaderEpoch,
} from '../../protocol/index.js';

const sample = () => encodeRecordBatch({
  baseOffset: 100,
  producerId: 4000,
  producerEpoch: 3,
  baseSequence: 17,
  partitionLeaderEpoch: 5,
  timestamp: 1_700_000_000_000,
  records: [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }] },
    { key: null, value: Buffer.from('v2'), timestamp: 1_700_000_000_500 },
    { key: Buffer.from('k3'), value: null, headers: [{ key: 'n', value: null }] },
  ],
});

describe('record batch header view', () => {
  it('reads every header field of a batch built by records.ts', () => {
    const batch = sample();
    const h = readBatchHeader(batch, 0);
    expect(h).toMatchObject({
      baseOffset: 100, batchLength: batch.length - LOG_OVERHEAD, partitionLeaderEpoch: 5, magic: 2,
      attributes: 0, lastOffsetDelta: 2, baseTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_500,
      producerId: 4000, producerEpoch: 3, baseSequence: 17, recordsCount: 3, compression: 0,
      timestampType: TimestampType.CreateTime, isTransactional: false, isControl: false,
    });
    expect(h.crc).toBe(batch.readUInt32BE(CRC_OFFSET));
    expect(batchSize(batch, 0)).toBe(batch.length);
  });

  it('finds batches back to back in one buffer', () => {
    const a = sample();
    const b = encodeRecordBatch({ baseOffset: 103, records: [{ key: null, value: Buffer.from('z') }], isTransactional: true });
    const both = Buffer.concat([a, b]);
    const pos = batchSize(both, 0);
    expect(readBatchHeader(both, pos)).toMatchObject({ baseOffset: 103, isTransactional: true, recordsCount: 1 });
    expect(verifyBatchCrc(both, pos)).toBe(true);
  });

  it('throws ProtocolDecodeError on truncated input and never reads past the end', () => {
    const batch = sample();
    expect(() => readBatchHeader(batch.subarray(0, RECORD_BATCH_HEADER_SIZE - 1), 0)).toThrow(ProtocolDecodeError);
    expect(() => batchSize(batch.subarray(0, 11), 0)).toThrow(ProtocolDecodeError);
    expect(() => verifyBatchCrc(batch.subarray(0, batch.length - 1), 0)).toThrow(ProtocolDecodeError);
    const lying = Buffer.from(batch);
    lying.writeInt32BE(5, 8); // batchLength smaller than a header
    expect(() => batchSize(lying, 0)).toThrow(ProtocolDecodeError);
  });
});

describe('CRC-32C', () => {
  it('verifies an intact batch and rejects a bit flip anywhere in the covered range', () => {
    const batch = sample();
    expect(verifyBatchCrc(batch, 0)).toBe(true);
    for (const pos of [21, 30, 60, batch.length - 1]) {
      const flipped = Buffer.from(batch);
      flipped[pos]! ^= 0x01;
      expect(verifyBatchCrc(flipped, 0)).toBe(false);
    }
  });

  it('keeps the CRC valid when base offset and leader epoch are rewritten in place', () => {
    const batch = sample();
    writeBaseOffset(batch, 0, 2 ** 40 + 7);
    writePartitionLeaderEpoch(batch, 0, 99);
    expect(readBatchHeader(batch, 0)).toMatchObject({ baseOffset: 2 ** 40 + 7, partitionLeaderEpoch: 99 });
    expect(verifyBatchCrc(batch, 0)).toBe(true);
    expect(decodeRecordBatch(batch, 0).records.map((r) => r.offset)).toEqual([2 ** 40 + 7, 2 ** 40 + 8, 2 ** 40 + 9]);
  });

  it('setLogAppendTime sets the timestamp type and max timestamp and recomputes the CRC', () => {
    const batch = sample();
    setLogAppendTime(batch, 0, 1_800_000_000_000);
    expect(verifyBatchCrc(batch, 0)).toBe(true);
    const { header, records } = decodeRecordBatch(batch, 0);
    expect(header.timestampType).toBe(TimestampType.LogAppendTime);
    expect(header.maxTimestamp).toBe(1_800_000_000_000);
    expect(records.every((r) => r.timestamp === 1_800_000_000_000)).toBe(true);
  });
});

describe('records.ts', () => {
  it.each(['none', 'gzip'] as const)('round trips records with compression %s', (compression) => {
    const batch = encodeRecordBatch({
      baseOffset: 5, compression, timestamp: 1000,
      records: [
        { key: Buffer.from('a'), value: Buffer.alloc(300, 7), headers: [{ key: 'x', value: Buffer.from('1') }] },
        { key: null, value: null, timestamp: 1003 },
      ],
    });
    expect(verifyBatchCrc(batch, 0)).toBe(true);
    const { header, records } = decodeRecordBatch(batch, 0);
    expect(header.compression).toBe(compression === 'gzip' ? 1 : 0);
    expect(records).toEqual([
      { offset: 5, timestamp: 1000, attributes: 0, key: Buffer.from('a'), value: Buffer.alloc(300, 7), headers: [{ key: 'x', value: Buffer.from('1') }] },
      { offset: 6, timestamp: 1003, attributes: 0, key: null, value: null, headers: [] },
    ]);
  });
});

describe('kafkajs compatibility', () => {
  const require = createRequire(import.meta.url);
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => unknown;

  it('reads and CRC-checks a batch produced by kafkajs, and decodes its records', async () => {
    const encoded = await RecordBatch({
      firstOffset: 0,
      firstTimestamp: 1_600_000_000_000, maxTimestamp: 1_600_000_000_009, partitionLeaderEpoch: 2,
      lastOffsetDelta: 1, producerEpoch: 0, firstSequence: 0,
      records: [
        Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('key'), value: Buffer.from('one'), headers: { a: 'b' } }),
        Record({ offsetDelta: 1, timestampDelta: 9, key: null, value: Buffer.from('two') }),
      ],
    });
    const batch = encoded.buffer;
    expect(verifyBatchCrc(batch, 0)).toBe(true);
    expect(readBatchHeader(batch, 0)).toMatchObject({
      baseOffset: 0, magic: 2, partitionLeaderEpoch: 2, lastOffsetDelta: 1, recordsCount: 2,
      baseTimestamp: 1_600_000_000_000, maxTimestamp: 1_600_000_000_009, producerId: -1,
    });
    const { records } = decodeRecordBatch(batch, 0);
    expect(records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()])).toEqual([
      [0, 1_600_000_000_000, 'key', 'one'], [1, 1_600_000_000_009, null, 'two'],
    ]);
    expect(records[0]!.headers).toEqual([{ key: 'a', value: Buffer.from('b') }]);
  });
});
