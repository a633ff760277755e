import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { batchOf, batchRanges, buildBatch, tempDir } from './helpers.js';

const dirs: string[] = [];
const managers: LogManager[] = [];
function open(dataDir = tempDir(), defaults = {}): LogManager {
  dirs.push(dataDir);
  const m = LogManager.open({ dataDir, defaults });
  managers.push(m);
  return m;
}
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('PartitionLog append and read', () => {
  it('assigns offsets in order and reads them back across several segments', () => {
    const m = open(undefined, { segmentBytes: 2000, indexIntervalBytes: 300 });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    const expected: Array<[number, number]> = [];
    for (let i = 0; i < 60; i++) {
      const count = 1 + (i % 4);
      const result = log.append(batchOf(count, 30));
      expect(result.duplicate).toBe(false);
      expected.push([result.baseOffset, result.lastOffset]);
      expect(result.lastOffset - result.baseOffset).toBe(count - 1);
    }
    expect(expected[0]![0]).toBe(0);
    for (let i = 1; i < expected.length; i++) expect(expected[i]![0]).toBe(expected[i - 1]![1] + 1);
    expect(log.logEndOffset).toBe(expected.at(-1)![1] + 1);
    expect(log.segmentList.length).toBeGreaterThan(3);
    for (const s of log.segmentList.slice(0, -1)) expect(s.size).toBeLessThanOrEqual(2000);

    // Read everything in small steps, following the returned batches.
    const seen: Array<[number, number]> = [];
    let next = 0;
    while (next < log.logEndOffset) {
      const r = log.read(next, 500, true);
      expect(r.outOfRange).toBe(false);
      const ranges = batchRanges(r.chunks);
      expect(ranges.length).toBeGreaterThan(0);
      seen.push(...ranges);
      next = ranges.at(-1)![1] + 1;
      expect(r.nextOffset).toBe(next);
    }
    expect(seen).toEqual(expected);
  });

  it('a read landing in the middle of a batch returns that whole batch', () => {
    const m = open(undefined, { segmentBytes: 1500, indexIntervalBytes: 100 });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 30; i++) log.append(batchOf(5, 20));
    for (const offset of [0, 3, 17, 64, 99, 149]) {
      const r = log.read(offset, 1, true);
      const [[base, last]] = batchRanges(r.chunks) as [[number, number]];
      expect(base).toBe(Math.floor(offset / 5) * 5);
      expect(last).toBe(base + 4);
    }
  });

  it('stops at batch boundaries within maxBytes, and KIP-74 returns one oversized batch', () => {
    const m = open();
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    const small = batchOf(1, 50).length;
    for (let i = 0; i < 10; i++) log.append(batchOf(1, 50));
    log.append(batchOf(1, 5000));
    let r = log.read(0, small * 3 + 10, true);
    expect(batchRanges(r.chunks)).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(r.bytes).toBe(small * 3);
    r = log.read(0, small - 1, false);
    expect(r.chunks).toEqual([]);
    r = log.read(10, 100, true);
    expect(batchRanges(r.chunks)).toEqual([[10, 10]]);
    expect(r.bytes).toBeGreaterThan(5000);
    r = log.read(10, 100, false);
    expect(r.bytes).toBe(0);
  });

  it('answers out of range outside [logStartOffset, logEndOffset] and empty at the end', () => {
    const m = open();
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    log.append(batchOf(3));
    expect(log.read(3, 1000, true)).toEqual({ chunks: [], bytes: 0, outOfRange: false, nextOffset: 3 });
    expect(log.read(4, 1000, true).outOfRange).toBe(true);
    expect(log.read(-1, 1000, true).outOfRange).toBe(true);
  });

  it('rejects bad batches without writing anything', () => {
    const m = open();
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    const bad = batchOf(2);
    bad[bad.length - 1] ^= 1;
    expect(() => log.append(bad)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
    const oldMagic = batchOf(2);
    oldMagic[16] = 1;
    expect(() => log.append(oldMagic)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MAGIC' }));
    expect(() => log.append(batchOf(2).subarray(0, 70))).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
    expect(() => log.append(Buffer.concat([batchOf(1), bad]))).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
    expect(log.logEndOffset).toBe(0);
    expect(log.segmentList[0]!.size).toBe(0);
  });

  it('writes several batches of one request back to back and sets base offsets in place', () => {
    const m = open();
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    log.append(batchOf(2));
    const request = Buffer.concat([batchOf(3), batchOf(4)]);
    const result = log.append(request);
    expect(result).toMatchObject({ baseOffset: 2, lastOffset: 8, duplicate: false, logAppendTime: -1, logStartOffset: 0 });
    expect(Number(request.readBigInt64BE(0))).toBe(2);
    expect(request.readInt32BE(12)).toBe(0);
    expect(batchRanges(log.read(0, 1 << 20, true).chunks)).toEqual([[0, 1], [2, 4], [5, 8]]);
  });

  it('rolls on segment.ms, measured between record timestamps as Kafka does', () => {
    const m = open();
    m.createTopic('t', 1, { 'segment.ms': '1000' });
    const log = m.partition('t', 0)!;
    const t0 = Date.now();
    log.append(batchOf(1, 20, { baseTimestamp: t0 }), t0);
    log.append(batchOf(1, 20, { baseTimestamp: t0 + 500 }), t0 + 5000); // wall time does not count
    expect(log.segmentList.length).toBe(1);
    log.append(batchOf(1, 20, { baseTimestamp: t0 + 1500 }), t0 + 5000);
    expect(log.segmentList.map((s) => s.baseOffset)).toEqual([0, 2]);
    // an older timestamp does not roll (the difference is negative), a much newer one does
    log.append(batchOf(1, 20, { baseTimestamp: t0 - 10_000 }), t0 + 5000);
    log.append(batchOf(1, 20, { baseTimestamp: t0 + 9 * 86_400_000 }), t0 + 5000);
    expect(log.segmentList.map((s) => s.baseOffset)).toEqual([0, 2, 4]);
  });

  it('finds offsets by timestamp, exactly within uncompressed batches', () => {
    const m = open(undefined, { segmentBytes: 1200, indexIntervalBytes: 100 });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    // 40 batches of 3 records; record k has timestamp 1000 + 10k.
    for (let b = 0; b < 40; b++) {
      log.append(buildBatch([0, 1, 2].map((i) => ({ value: 'v', timestamp: 1000 + 10 * (b * 3 + i) }))));
    }
    expect(log.segmentList.length).toBeGreaterThan(2);
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1000 });
    expect(log.offsetForTimestamp(1000 + 10 * 55)).toEqual({ offset: 55, timestamp: 1550 });
    expect(log.offsetForTimestamp(1000 + 10 * 55 - 3)).toEqual({ offset: 55, timestamp: 1550 });
    expect(log.offsetForTimestamp(1000 + 10 * 119)).toEqual({ offset: 119, timestamp: 2190 });
    expect(log.offsetForTimestamp(5000)).toBeNull();
    expect(log.offsetForTimestamp(-1)).toEqual({ offset: 120, timestamp: -1 });
    expect(log.offsetForTimestamp(-2)).toEqual({ offset: 0, timestamp: -1 });
  });
});

describe('sealed segments', () => {
  it('are served from a read-only mapping listed in /proc/self/maps', () => {
    const m = open(undefined, { segmentBytes: 1000 });
    m.createTopic('mapped', 1);
    const log = m.partition('mapped', 0)!;
    for (let i = 0; i < 20; i++) log.append(batchOf(2, 40));
    const sealed = log.segmentList[0]!;
    expect(sealed.isMapped).toBe(true);
    expect(log.segmentList.at(-1)!.isMapped).toBe(false);
    const maps = fs.readFileSync('/proc/self/maps', 'utf8');
    expect(maps).toContain(path.resolve(sealed.logPath));
    // Reads from the sealed segment share memory with the mapping (no copy).
    const a = log.read(0, 100, true).chunks[0]!;
    const b = log.read(0, 100, true).chunks[0]!;
    expect(a.buffer).toBe(b.buffer);
  });
});

describe('active segment', () => {
  it('serves recent batches as slices of its read-only mapping of the growing file', () => {
    const m = open();
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    const sent = batchOf(3, 40);
    log.append(sent);
    const a = log.read(0, 1000, true).chunks[0]!;
    const b = log.read(0, 1000, true).chunks[0]!;
    expect(a.equals(sent)).toBe(true);
    expect(a.buffer === b.buffer && a.byteOffset === b.byteOffset).toBe(true);
    expect(fs.readFileSync('/proc/self/maps', 'utf8')).toContain(path.resolve(log.segmentList[0]!.logPath));
  });

  it('reads what was appended after the active segment was mapped', () => {
    const m = open(undefined, { segmentBytes: 1 << 20 });
    m.createTopic('grow', 1);
    const log = m.partition('grow', 0)!;
    const sent: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      sent.push(batchOf(2, 200));
      log.append(sent.at(-1)!);
      // the newest batch, or the oldest again (not where the previous read ended)
      const read = log.read(i % 3 === 0 ? 0 : i * 2, 100_000, true);
      expect(batchRanges(read.chunks)[0]![0]).toBe(i % 3 === 0 ? 0 : i * 2);
    }
    const all = log.read(0, 1 << 30, true);
    expect(Buffer.concat(all.chunks).equals(Buffer.concat(sent))).toBe(true);
  });
});

describe('restart', () => {
  it('keeps topics, configs, topic ids, cluster id and data', () => {
    const dataDir = tempDir();
    const first = LogManager.open({ dataDir, defaults: { segmentBytes: 800 } });
    const info = first.createTopic('orders', 3, { 'segment.bytes': '700', 'cleanup.policy': 'delete' });
    first.createTopic('other', 1);
    for (let i = 0; i < 30; i++) first.partition('orders', 1)!.append(batchOf(2, 30));
    const before = first.partition('orders', 1)!.read(0, 1 << 20, true);
    const beforeBytes = Buffer.concat(before.chunks);
    const clusterId = first.clusterId;
    first.close();
    first.close(); // idempotent
    expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).toBe(true);

    const second = open(dataDir, { segmentBytes: 800 });
    expect(second.clusterId).toBe(clusterId);
    expect(second.openedAfterCleanShutdown).toBe(true);
    expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).toBe(false);
    expect(second.listTopics().map((t) => t.name).sort()).toEqual(['orders', 'other']);
    const again = second.getTopic('orders')!;
    expect(again.topicId.equals(info.topicId)).toBe(true);
    expect(again.configs).toEqual({ 'segment.bytes': '700', 'cleanup.policy': 'delete' });
    expect(again.partitions).toBe(3);
    const log = second.partition('orders', 1)!;
    expect(log.logEndOffset).toBe(60);
    expect(Buffer.concat(log.read(0, 1 << 20, true).chunks).equals(beforeBytes)).toBe(true);
    expect(log.append(batchOf(1)).baseOffset).toBe(60);
    const metadata = fs.readFileSync(path.join(dataDir, 'orders-1', 'partition.metadata'), 'utf8');
    expect(metadata).toBe(`version: 0\ntopic_id: ${info.topicId.toString('base64url')}\n`);
    const checkpoint = fs.readFileSync(path.join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8');
    expect(checkpoint.split('\n').slice(0, 2)).toEqual(['0', '4']);
    expect(checkpoint).toContain('orders 1 60\n');
  });

  it('deletes topics and their directories', () => {
    const m = open();
    m.createTopic('gone', 2);
    expect(() => m.createTopic('gone', 1)).toThrow();
    expect(m.deleteTopic('gone')).toBe(true);
    expect(m.deleteTopic('gone')).toBe(false);
    expect(m.getTopic('gone')).toBeUndefined();
    expect(fs.existsSync(path.join(m.dataDir, 'gone-0'))).toBe(false);
  });
});
