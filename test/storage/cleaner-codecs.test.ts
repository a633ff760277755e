/**
 * The cleaner on compressed batches: every codec is decompressed, cleaned and written back with
 * the codec it had (as Kafka's cleaner does), including batches exactly as the Java client and
 * librdkafka wrote them (test/protocol/codecs/fixtures). A batch that cannot be decoded (corrupt,
 * or a decompression bomb past the cap) is kept whole, byte for byte, and counted; the clean goes
 * on and the other batches are cleaned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codecId, compressPayload } from '../../protocol/codecs/index.js';
import { RECORD_BATCH_HEADER_SIZE, computeBatchCrc } from '../../protocol/record-batch.js';
import { decodeRecordBatch, encodeRecordBatch, type Compression } from '../../protocol/records.js';
import { LogManager, type PartitionLog } from '../../storage/log-manager.js';
import { tempDirForTest } from './helpers.js';

const NOW = 1_800_000_000_000;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const FIXTURES = path.join(import.meta.dirname, '../protocol/codecs/fixtures');
const managers: LogManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function compactedLog(): { m: LogManager; log: PartitionLog } {
  const m = LogManager.open({ dataDir: tempDirForTest(), defaults: { segmentBytes: 1 << 20, retentionMs: -1 } });
  managers.push(m);
  m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
  return { m, log: m.partition('c', 0)! };
}

function batch(pairs: Array<[string, string | null]>, compression: Compression): Buffer {
  return encodeRecordBatch({
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
    timestamp: NOW,
    compression,
  });
}

interface Found {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every batch in the log: its codec, its bytes and its records. */
function batches(log: PartitionLog): Array<{ codec: number; bytes: Buffer; records: Found[] }> {
  const out: Array<{ codec: number; bytes: Buffer; records: Found[] }> = [];
  for (const chunk of log.read(log.logStartOffset, 64 << 20, true).chunks) {
    for (let at = 0; at < chunk.length; at += 12 + chunk.readInt32BE(at + 8)) {
      const bytes = Buffer.from(chunk.subarray(at, at + 12 + chunk.readInt32BE(at + 8)));
      const records = decodeRecordBatch(bytes).records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }));
      out.push({ codec: bytes.readInt16BE(21) & 7, bytes, records });
    }
  }
  return out;
}

/** The batch with its payload replaced (and a valid CRC, so only the payload is wrong). */
function withPayload(original: Buffer, payload: Buffer): Buffer {
  const out = Buffer.concat([original.subarray(0, RECORD_BATCH_HEADER_SIZE), payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeUInt32BE(computeBatchCrc(out, 0), 17);
  return out;
}

describe('cleaning compressed batches', () => {
  it('cleans batches of every codec and writes each back with its own codec', async () => {
    const { m, log } = compactedLog();
    const written: Found[] = [];
    for (let round = 0; round < 3; round++) {
      for (const codec of CODECS) {
        const pairs: Array<[string, string | null]> = Array.from({ length: 6 }, (_, k) => [`${codec}-k${k}`, round === 2 && k === 5 ? null : `${codec}-r${round}-${'v'.repeat(k * 30)}`]);
        pairs.push([`shared-${round % 2}`, `${codec}-${round}`]);
        const base = log.append(batch(pairs, codec), NOW).baseOffset;
        pairs.forEach(([key, value], i) => written.push({ offset: base + i, key, value }));
      }
    }
    log.roll(NOW);
    log.append(batch([['active', 'x']], 'none'), NOW);
    const result = await m.cleanNow(log, NOW, true);
    expect(result).not.toBeNull();
    expect(result!.stats.undecodableBatches).toBe(0);

    const last = new Map<string, Found>();
    for (const r of written) last.set(r.key!, r);
    const expected = [...last.values()].sort((a, b) => a.offset - b.offset);
    const after = batches(log);
    expect(after.flatMap((b) => b.records).filter((r) => r.key !== 'active')).toEqual(expected);
    // Each surviving batch kept its codec: its records' keys name it.
    for (const b of after) {
      const named = b.records.map((r) => r.key!.split('-')[0]).filter((name) => (CODECS as readonly string[]).includes(name!));
      for (const name of named) expect(b.codec).toBe(codecId(name as Compression));
    }
    expect(after.filter((b) => b.records.length > 0 && b.records[0]!.key !== 'active').map((b) => b.codec).sort()).toEqual(expect.arrayContaining([1, 2, 3, 4]));
  });

  for (const client of ['java', 'librdkafka']) {
    for (const codec of CODECS) {
      it(`cleans a ${codec} batch exactly as ${client} wrote it, and writes it back with ${codec}`, async () => {
        const { m, log } = compactedLog();
        const original = fs.readFileSync(path.join(FIXTURES, `${client}-${codec}.batch`));
        const count = original.readInt32BE(57);
        log.append(original, NOW);
        // The plan's keys are key-<i> (null for i % 5 == 4): a newer batch supersedes the even ones.
        log.append(batch(Array.from({ length: 20 }, (_, j) => [`key-${2 * j}`, `newer-${2 * j}`]), 'none'), NOW);
        log.roll(NOW);
        log.append(batch([['active', 'x']], 'none'), NOW);
        const result = await m.cleanNow(log, NOW, true);
        expect(result!.stats.undecodableBatches).toBe(0);
        const [cleaned, newer] = batches(log);
        expect(cleaned!.codec).toBe(codecId(codec));
        expect(cleaned!.bytes.subarray(RECORD_BATCH_HEADER_SIZE).equals(original.subarray(RECORD_BATCH_HEADER_SIZE))).toBe(false);
        const survivors = Array.from({ length: count }, (_, i) => i).filter((i) => i % 2 === 1 && i % 5 !== 4);
        expect(cleaned!.records.map((r) => r.offset)).toEqual(survivors);
        expect(cleaned!.records.map((r) => r.key)).toEqual(survivors.map((i) => `key-${i}`));
        expect(newer!.records).toHaveLength(20);
      });
    }
  }
});

describe('undecodable batches in a compacted log', () => {
  it('a corrupt snappy, lz4 or zstd batch is kept whole; the clean goes on and cleans the rest', async () => {
    const { m, log } = compactedLog();
    const corrupt = new Map<number, Buffer>();
    for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
      log.append(batch([['a', `old-${codec}`], ['b', `old-${codec}`]], codec), NOW);
      const good = batch([['x', codec], ['y', codec]], codec);
      const payload = Buffer.from(good.subarray(RECORD_BATCH_HEADER_SIZE));
      // Damage the middle of the payload (snappy and zstd detect it; lz4 has no checksum, so
      // for lz4 the frame is cut short instead).
      const broken = codec === 'lz4' ? payload.subarray(0, payload.length - 6) : payload.fill(0xee, 8, payload.length - 4);
      const bad = withPayload(good, broken);
      corrupt.set(log.append(bad, NOW).baseOffset, bad);
    }
    log.append(batch([['a', 'new'], ['b', 'new']], 'zstd'), NOW);
    log.roll(NOW);
    log.append(batch([['active', 'x']], 'none'), NOW);

    const result = await m.cleanNow(log, NOW, true);
    expect(result).not.toBeNull();
    expect(result!.stats.undecodableBatches).toBe(3);
    expect(result!.stats.firstUndecodable).toMatch(/snappy/);

    // The corrupt batches are there byte for byte; a and b keep only their last values.
    const raw = log.read(0, 1 << 20, true).chunks.map((c) => Buffer.from(c));
    const all = Buffer.concat(raw);
    for (const bytes of corrupt.values()) expect(all.includes(bytes)).toBe(true);
    const readable: Found[] = [];
    for (let at = 0; at < all.length; at += 12 + all.readInt32BE(at + 8)) {
      const one = all.subarray(at, at + 12 + all.readInt32BE(at + 8));
      if (corrupt.has(Number(one.readBigInt64BE(0)))) continue;
      for (const r of decodeRecordBatch(one).records) readable.push({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null });
    }
    expect(readable.map((r) => `${r.key}=${r.value}`)).toEqual(['a=new', 'b=new', 'active=x']);
  });

  it('a decompression bomb is not inflated past the cap: kept whole, the clean goes on', async () => {
    const { m, log } = compactedLog();
    log.append(batch([['a', 'old']], 'none'), NOW);
    const template = batch([['bomb', 'x']], 'zstd');
    // 96 MiB of zeros in a few KiB: more than the cleaner's 64 MiB cap.
    const bomb = withPayload(template, compressPayload(codecId('zstd'), Buffer.alloc(96 << 20)));
    expect(bomb.length).toBeLessThan(64 << 10);
    log.append(bomb, NOW);
    log.append(batch([['a', 'new']], 'lz4'), NOW);
    log.roll(NOW);
    log.append(batch([['active', 'x']], 'none'), NOW);
    const result = await m.cleanNow(log, NOW, true);
    expect(result!.stats.undecodableBatches).toBe(1);
    expect(result!.stats.firstUndecodable).toMatch(/zstd: .*(more than 64 MiB|too much memory)/);
    const all = Buffer.concat(log.read(0, 1 << 20, true).chunks.map((c) => Buffer.from(c)));
    expect(all.includes(bomb)).toBe(true);
    expect(all.includes(Buffer.from('old'))).toBe(false);
  });
});
