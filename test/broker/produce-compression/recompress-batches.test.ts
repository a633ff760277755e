import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch, type Compression } from '../../../protocol/records.js';
import { CONTROL_BIT, ATTRIBUTES_OFFSET, CRC_OFFSET, computeBatchCrc, readBatchHeader, verifyBatchCrc } from '../../../protocol/record-batch.js';
import { recompressBatches, recordFramingProblem, targetCodec, topicRecompression } from '../../../src/broker/produce-compression/recompress-batches.js';
import { StorageError } from '../../../storage/errors.js';

const records = Array.from({ length: 20 }, (_, i) => ({
  key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(10)), timestamp: 1_700_000_000_000 + i * 7,
  headers: [{ key: 'h', value: Buffer.from(String(i)) }],
}));

function batch(compression: Compression, extra: Partial<Parameters<typeof encodeRecordBatch>[0]> = {}): Buffer {
  return encodeRecordBatch({ records, compression, baseOffset: 0, producerId: 4242, producerEpoch: 3, baseSequence: 17, isTransactional: true, ...extra });
}

function codecs(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < buf.length; at += 12 + buf.readInt32BE(at + 8)) out.push(readBatchHeader(buf, at).compression);
  return out;
}

describe('recompressBatches', () => {
  it.each([
    ['none', 4], ['gzip', 4], ['snappy', 0], ['lz4', 1], ['zstd', 3], ['gzip', 2], ['none', 3],
  ] as const)('rewrites a %s batch as codec %i keeping header and records', (from, to) => {
    const original = batch(from);
    const out = recompressBatches(original, { codec: to });
    expect(verifyBatchCrc(out, 0)).toBe(true);
    const before = readBatchHeader(original, 0);
    const after = readBatchHeader(out, 0);
    expect(after.compression).toBe(to);
    const keep = (h: typeof before) => ({ ...h, batchLength: 0, crc: 0, attributes: h.attributes & ~7, compression: 0 });
    expect(keep(after)).toEqual(keep(before));
    expect(decodeRecordBatch(out).records).toEqual(decodeRecordBatch(original).records);
  });

  it('answers the same buffer when every batch already has the codec (no copy)', () => {
    const original = Buffer.concat([batch('zstd'), batch('zstd')]);
    expect(recompressBatches(original, { codec: 4 })).toBe(original);
  });

  it('rewrites only the batches of another codec, in order', () => {
    const original = Buffer.concat([batch('zstd'), batch('gzip'), batch('none')]);
    const out = recompressBatches(original, { codec: 4 });
    expect(codecs(out)).toEqual([4, 4, 4]);
    expect(out.subarray(0, batch('zstd').length).equals(batch('zstd'))).toBe(true);
  });

  it('never touches a control batch', () => {
    const control = batch('none');
    control.writeInt16BE(control.readInt16BE(ATTRIBUTES_OFFSET) | CONTROL_BIT, ATTRIBUTES_OFFSET);
    control.writeUInt32BE(computeBatchCrc(control, 0), CRC_OFFSET);
    expect(recompressBatches(control, { codec: 1 })).toBe(control);
  });

  it('applies the gzip and zstd levels', () => {
    const big = encodeRecordBatch({ records: Array.from({ length: 200 }, (_, i) => ({ key: null, value: Buffer.from(`record ${i % 13} `.repeat(40)) })) });
    const gz1 = recompressBatches(big, { codec: 1, level: 1 }).length;
    const gz9 = recompressBatches(big, { codec: 1, level: 9 }).length;
    expect(gz9).toBeLessThan(gz1);
    const z1 = recompressBatches(big, { codec: 4, level: 1 }).length;
    const z19 = recompressBatches(big, { codec: 4, level: 19 }).length;
    expect(z19).toBeLessThan(z1);
  });

  it('refuses a batch whose CRC fails with CORRUPT_MESSAGE', () => {
    const bad = batch('gzip');
    bad[bad.length - 3] ^= 0xff;
    expect(() => recompressBatches(bad, { codec: 4 })).toThrow(/CORRUPT_MESSAGE.*CRC/);
  });

  it('refuses a corrupt payload (CRC made right) with CORRUPT_MESSAGE', () => {
    const bad = batch('gzip');
    bad.fill(0x41, 70, 90);
    bad.writeUInt32BE(computeBatchCrc(bad, 0), CRC_OFFSET);
    const err = (() => { try { recompressBatches(bad, { codec: 4 }); } catch (e) { return e; } return null; })();
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('CORRUPT_MESSAGE');
  });

  it('refuses a payload that decompresses past the budget', () => {
    const bomb = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(4 << 20) }], compression: 'gzip' });
    expect(bomb.length).toBeLessThan(8192);
    expect(() => recompressBatches(bomb, { codec: 0, budget: 1 << 20 })).toThrow(/CORRUPT_MESSAGE.*more than 1 MiB/);
    // zstd refuses the frame's window before decoding a byte.
    const zbomb = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(4 << 20) }], compression: 'zstd' });
    expect(() => recompressBatches(zbomb, { codec: 0, budget: 1 << 20 })).toThrow(/CORRUPT_MESSAGE/);
  });

  it('refuses records that do not frame (an uncompressed batch with a wrong count)', () => {
    const bad = batch('none');
    bad.writeInt32BE(21, 57);
    bad.writeUInt32BE(computeBatchCrc(bad, 0), CRC_OFFSET);
    expect(() => recompressBatches(bad, { codec: 1 })).toThrow(/CORRUPT_MESSAGE.*cut short/);
  });

  it('leaves what is not whole v2 batches to the log (same buffer back)', () => {
    const cut = batch('gzip').subarray(0, 80);
    expect(recompressBatches(cut, { codec: 4 })).toBe(cut);
    const junk = Buffer.alloc(30, 7);
    expect(recompressBatches(junk, { codec: 4 })).toBe(junk);
  });
});

describe('topic configs', () => {
  it('maps compression.type values to codecs; producer asks for nothing', () => {
    expect([targetCodec('uncompressed'), targetCodec('gzip'), targetCodec('snappy'), targetCodec('lz4'), targetCodec('zstd')]).toEqual([0, 1, 2, 3, 4]);
    expect(targetCodec('producer')).toBeNull();
    expect(targetCodec(undefined)).toBeNull();
  });

  it('reads the level of the codec', () => {
    const configs: Record<string, string> = { 'compression.gzip.level': '9', 'compression.zstd.level': '-5', 'compression.lz4.level': '3' };
    expect(topicRecompression('gzip', (k) => configs[k])).toEqual({ codec: 1, level: 9 });
    expect(topicRecompression('zstd', (k) => configs[k])).toEqual({ codec: 4, level: -5 });
    expect(topicRecompression('lz4', (k) => configs[k])).toEqual({ codec: 3, level: undefined });
    expect(topicRecompression('zstd', () => undefined)).toEqual({ codec: 4, level: undefined });
  });

  it('record framing: exact fit, cut short, bytes left over', () => {
    const payload = Buffer.from([4, 1, 2, 2, 9]); // zigzag lengths 2 and 1
    expect(recordFramingProblem(payload, 2)).toBeNull();
    expect(recordFramingProblem(payload, 3)).toMatch(/cut short/);
    expect(recordFramingProblem(payload, 1)).toMatch(/2 bytes follow/);
  });
});
