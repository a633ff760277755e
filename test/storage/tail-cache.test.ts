/**
 * The in-memory tails of active segments and the budget they share: the tails of a broker
 * never hold more than the budget together, the oldest chunks give way first, and a read of an
 * evicted range is answered from the file, whole and in order.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LogManager } from '../../storage/log-manager.js';
import { TailBudget, TailCache } from '../../storage/tail-cache.js';
import { batchOf, tempDirForTest } from './helpers.js';

const CHUNK = 1000;

/** `n` bytes standing for whole batches, filled with `fill`. */
const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('TailBudget shared by several tails', () => {
  it('keeps the bytes of all tails under the limit, dropping the oldest chunks first', () => {
    const budget = new TailBudget(4 * CHUNK);
    const tails = Array.from({ length: 5 }, () => new TailCache(CHUNK, 4, budget));
    // Each tail writes two full chunks in turn: 10 chunks asked for, 4 fit.
    for (const [i, tail] of tails.entries()) {
      tail.append(bytes(CHUNK, i), 0, 0);
      tail.append(bytes(CHUNK, i), CHUNK, 10);
      expect(budget.usedBytes).toBeLessThanOrEqual(4 * CHUNK);
    }
    expect(budget.usedBytes).toBe(4 * CHUNK);
    // The last two tails written keep both chunks; the first three lost theirs.
    expect(tails.map((t) => t.bytes)).toEqual([0, 0, 0, 2 * CHUNK, 2 * CHUNK]);
    expect(tails[4]!.chunkFor(12)!.buf[0]).toBe(4);
    expect(tails[0]!.chunkFor(12)).toBeUndefined();
  });

  it('never answers an offset from a later chunk once its own chunk was evicted', () => {
    const budget = new TailBudget(3 * CHUNK);
    const a = new TailCache(CHUNK, 4, budget);
    const b = new TailCache(CHUNK, 4, budget);
    a.append(bytes(CHUNK, 1), 0, 0); // a: offsets 0..9
    a.append(bytes(CHUNK, 2), CHUNK, 10); // a: offsets 10..19
    b.append(bytes(CHUNK, 3), 0, 0);
    b.append(bytes(CHUNK, 4), CHUNK, 10); // evicts a's oldest chunk
    expect(a.chunkFor(5)).toBeUndefined();
    expect(a.chunkFor(15)!.buf[0]).toBe(2);
    expect(b.chunkFor(5)!.buf[0]).toBe(3);
  });

  it('gets bytes back when a tail is cleared, and caches nothing when a chunk cannot fit', () => {
    const budget = new TailBudget(2 * CHUNK);
    const a = new TailCache(CHUNK, 4, budget);
    for (let i = 0; i < 10_000; i++) {
      a.append(bytes(CHUNK, 1), 0, 0);
      a.clear();
    }
    expect(budget.usedBytes).toBe(0);
    const tiny = new TailCache(CHUNK, 4, new TailBudget(CHUNK - 1));
    tiny.append(bytes(10, 1), 0, 0);
    expect(tiny.bytes).toBe(0);
    expect(tiny.chunkFor(0)).toBeUndefined();
  });

  it('lets evicted chunks be garbage-collected (the budget keeps no buffer it released)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const budget = new TailBudget(2 * CHUNK);
    const a = new TailCache(CHUNK, 4, budget);
    const b = new TailCache(CHUNK, 4, budget);
    a.append(bytes(CHUNK, 1), 0, 0);
    const evicted = new WeakRef(a.chunkFor(0)!.buf);
    b.append(bytes(CHUNK, 2), 0, 0);
    b.append(bytes(CHUNK, 3), CHUNK, 10); // evicts a's chunk
    a.append(bytes(CHUNK, 4), 0, 0); // restarts a: evicts b's oldest
    expect(a.chunkFor(0)!.buf[0]).toBe(4);
    for (let i = 0; i < 3 && evicted.deref() !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      gc();
    }
    expect(evicted.deref()).toBeUndefined();
  });

  it('still keeps at most maxChunks per tail', () => {
    const budget = new TailBudget(100 * CHUNK);
    const a = new TailCache(CHUNK, 2, budget);
    for (let i = 0; i < 5; i++) a.append(bytes(CHUNK, i), i * CHUNK, i * 10);
    expect(a.bytes).toBe(2 * CHUNK);
    expect(budget.usedBytes).toBe(2 * CHUNK);
    expect(a.chunkFor(45)!.buf[0]).toBe(4);
    expect(a.chunkFor(25)).toBeUndefined();
  });
});

describe('LogManager: many partitions, one tail budget', () => {
  it('holds no more than tailCacheTotalBytes over 20 written partitions, and every record reads back', () => {
    const dataDir = tempDirForTest();
    // 64 KiB segments: 16 KiB tail chunks, 4 per partition by default; 48 KiB for all of them.
    const m = LogManager.open({ dataDir, defaults: { segmentBytes: 64 * 1024 }, tailCacheTotalBytes: 48 * 1024 });
    try {
      const sent = new Map<string, Buffer[]>();
      for (let t = 0; t < 20; t++) {
        m.createTopic(`t${t}`, 1);
        const log = m.partition(`t${t}`, 0)!;
        const batches = Array.from({ length: 40 }, (_, i) => batchOf(2, 300 + ((i * 7 + t) % 50)));
        for (const b of batches) log.append(b);
        sent.set(`t${t}`, batches);
        expect(m.tailCacheUsage.usedBytes).toBeLessThanOrEqual(48 * 1024);
      }
      expect(m.tailCacheUsage).toEqual({ usedBytes: 48 * 1024, limitBytes: 48 * 1024 });
      for (const [topic, batches] of sent) {
        const read = m.partition(topic, 0)!.read(0, 10 * 1024 * 1024, true);
        expect(Buffer.concat(read.chunks).equals(Buffer.concat(batches)), topic).toBe(true);
        expect(read.nextOffset).toBe(80);
      }
      m.deleteTopic('t19');
      expect(m.tailCacheUsage.usedBytes).toBeLessThan(48 * 1024);
    } finally {
      m.close();
    }
    expect(m.tailCacheUsage.usedBytes).toBe(0);
  });
});
