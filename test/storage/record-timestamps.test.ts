import { describe, expect, it } from 'vitest';
import { computeBatchCrc, encodeRecordBatch, setLogAppendTime, type Compression } from '../../protocol/index.js';
import { firstRecordAtOrAfter } from '../../storage/record-timestamps.js';

const T = 1_700_000_000_000;
/** Ten records at T, T+10, ..., T+90, from offset 500. */
function batch(compression: Compression): Buffer {
  return encodeRecordBatch({ baseOffset: 500, compression, records: Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`.repeat(30)), timestamp: T + 10 * i })) });
}

describe('firstRecordAtOrAfter', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`${codec}: the exact record, as Kafka answers`, () => {
      const b = batch(codec);
      expect(firstRecordAtOrAfter(b, T)).toEqual({ offset: 500, timestamp: T });
      expect(firstRecordAtOrAfter(b, T + 41)).toEqual({ offset: 505, timestamp: T + 50 });
      expect(firstRecordAtOrAfter(b, T + 90)).toEqual({ offset: 509, timestamp: T + 90 });
      expect(firstRecordAtOrAfter(b, T + 91)).toBeNull();
    });
  }

  it('a compressed batch that cannot be decompressed answers at batch granularity', () => {
    const b = batch('zstd');
    b.fill(0x41, 70, b.length);
    b.writeUInt32BE(computeBatchCrc(b, 0), 17);
    expect(firstRecordAtOrAfter(b, T + 41)).toEqual({ offset: 500, timestamp: T + 90 });
    expect(firstRecordAtOrAfter(b, T + 91)).toBeNull();
  });

  it('log-append time: every record carries the max timestamp, so the first record', () => {
    const b = batch('gzip');
    setLogAppendTime(b, 0, T + 1000);
    expect(firstRecordAtOrAfter(b, T + 500)).toEqual({ offset: 500, timestamp: T + 1000 });
  });
});
