/**
 * The coordinator's own encoders for __consumer_offsets (written without a Writer, for the
 * OffsetCommit path): the batch is byte for byte what protocol/records.ts's encodeRecordBatch
 * builds from the same records, and keys and values read back as written. That the formats are
 * Kafka's own is checked by kafka-decoder.test.ts (Kafka's DumpLogSegments reads them).
 */
import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch, verifyBatchCrc } from '../../protocol/index.js';
import { decodeKey, decodeOffsetValue, encodeGroupKey, encodeOffsetKey, encodeOffsetValue, offsetKeyEncoder } from '../../src/coordinator/offset-records.js';
import { encodeOffsetsBatch, type OffsetsRecord } from '../../src/coordinator/offsets-log.js';

const NOW = 1_765_000_000_123;

describe('__consumer_offsets encoders', () => {
  it('a batch is what encodeRecordBatch builds: one record, many, tombstones, keys and values of every varint width', () => {
    const value = (n: number) => Buffer.alloc(n, n & 0xff);
    const cases: OffsetsRecord[][] = [
      [],
      [{ key: encodeOffsetKey('g', 't', 0), value: encodeOffsetValue({ offset: 5, leaderEpoch: 2, metadata: '', commitTimestamp: NOW, expireTimestamp: null }) }],
      [{ key: encodeGroupKey('g'), value: null }],
      Array.from({ length: 300 }, (_, i) => ({
        key: encodeOffsetKey(`group-${i % 7}`, 'topic', i),
        value: i % 5 === 0 ? null : encodeOffsetValue({ offset: i * 1_000_003, leaderEpoch: -1, metadata: 'm'.repeat(i), commitTimestamp: NOW, expireTimestamp: null }),
      })),
      [63, 64, 8191, 8192, 1_048_576 + 3].map((n) => ({ key: value(n), value: value(n + 1) })),
    ];
    for (const records of cases) {
      const ours = encodeOffsetsBatch(records, NOW);
      expect(ours.equals(encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value })), timestamp: NOW }))).toBe(true);
      expect(verifyBatchCrc(ours, 0)).toBe(true);
      if (records.length > 0) {
        const decoded = decodeRecordBatch(ours, 0).records;
        expect(decoded).toHaveLength(records.length);
        decoded.forEach((r, i) => {
          expect(r.key!.equals(records[i]!.key)).toBe(true);
          expect(r.value === null ? records[i]!.value === null : r.value.equals(records[i]!.value!)).toBe(true);
        });
      }
    }
  });

  it('keys and values read back as written: UTF-8 names, negative and large offsets, an explicit expiry', () => {
    expect(decodeKey(encodeOffsetKey('grüppe-é', 'töpic', 2_147_483_647))).toEqual({ kind: 'offset', group: 'grüppe-é', topic: 'töpic', partition: 2_147_483_647 });
    expect(decodeKey(encodeGroupKey('日本'))).toEqual({ kind: 'group', group: '日本' });
    for (const c of [
      { offset: -1, leaderEpoch: -1, metadata: '', commitTimestamp: NOW, expireTimestamp: null },
      { offset: 2 ** 53 - 1, leaderEpoch: 7, metadata: 'ünïcode', commitTimestamp: NOW, expireTimestamp: null },
      { offset: 42, leaderEpoch: -1, metadata: 'kept', commitTimestamp: NOW, expireTimestamp: NOW + 60_000 },
    ]) {
      expect(decodeOffsetValue(encodeOffsetValue(c))).toEqual(c);
    }
  });

  it("a group's key encoder gives the keys encodeOffsetKey gives, topic after topic", () => {
    const keyOf = offsetKeyEncoder('grüppe');
    for (const topic of ['a', 'töpic', 'a', 'x'.repeat(300), 'töpic']) {
      for (const partition of [0, 1, 99, 2_147_483_647]) expect(keyOf(topic, partition).equals(encodeOffsetKey('grüppe', topic, partition))).toBe(true);
    }
  });

  it('a name longer than an int16 length can say is refused, as the Writer refused it', () => {
    expect(() => encodeOffsetKey('g'.repeat(0x8000), 't', 0)).toThrow(/too long/);
    expect(() => encodeOffsetValue({ offset: 1, leaderEpoch: -1, metadata: 'é'.repeat(0x4000), commitTimestamp: NOW, expireTimestamp: null })).toThrow(/too long/);
  });
});
