/**
 * bench/lib/cleaner-watch.ts reads what both brokers leave on disk and in Kafka's log; the
 * compaction benchmark's figures are only as good as these readings. Checked against a real
 * Brooklet cleaner's checkpoint (LogManager.cleanNow) and against Kafka's stats line as its
 * LogCleaner writes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanedUpTo, kafkaCleanerStats, segmentFiles, waitCleaned } from '../../bench/lib/cleaner-watch.js';
import { encodeRecordBatch } from '../../protocol/index.js';
import { LogManager } from '../../storage/log-manager.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cleaner-watch-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('cleaner-watch', () => {
  it('sees a Brooklet clean reach the active segment through cleaner-offset-checkpoint', async () => {
    const dataDir = tempDir();
    const m = LogManager.open({ dataDir, defaults: { segmentBytes: 64 * 1024, retentionMs: -1 }, cleanerBackoffMs: 2 ** 31 - 1 });
    try {
      m.createTopic('keyed', 1, { 'cleanup.policy': 'compact' });
      const log = m.partition('keyed', 0)!;
      const value = Buffer.alloc(500, 1);
      for (let i = 0; i < 400; i += 10) {
        log.append(encodeRecordBatch({ timestamp: Date.now(), records: Array.from({ length: 10 }, (_, k) => ({ key: Buffer.from(`k${(i + k) % 20}`), value })) }));
      }
      const checkpoint = path.join(dataDir, 'cleaner-offset-checkpoint');
      const before = segmentFiles(path.join(dataDir, 'keyed-0'));
      expect(before.sealedCount).toBeGreaterThan(1);
      expect(before.activeBase).toBe(log.segmentList.at(-1)!.baseOffset);
      expect(before.sealedBytes).toBe(log.segmentList.slice(0, -1).reduce((sum, s) => sum + s.size, 0));
      expect(cleanedUpTo(checkpoint, 'keyed', 0)).toBe(-1);
      await m.cleanNow(log, Date.now(), true);
      expect(cleanedUpTo(checkpoint, 'keyed', 0)).toBe(before.activeBase);
      expect(cleanedUpTo(checkpoint, 'other', 0)).toBe(-1);
      await expect(waitCleaned(checkpoint, 'keyed', 0, before.activeBase, 1000)).resolves.toBeGreaterThan(0);
      await expect(waitCleaned(checkpoint, 'keyed', 0, before.activeBase + 1, 50)).rejects.toThrow(/not cleaned up to/);
      expect(segmentFiles(path.join(dataDir, 'keyed-0')).sealedBytes).toBeLessThan(before.sealedBytes);
    } finally {
      m.close();
    }
  });

  it('reads Kafka\'s LogCleaner stats lines after a given point of its log, rate and all', () => {
    const file = path.join(tempDir(), 'kafka.log');
    const earlier = '[2026-12-06 11:00:00,000] INFO Cleaner 0: Beginning cleaning of log warm-up-0 (kafka.log.LogCleaner)\n'
      + '\tLog cleaner thread 0 cleaned log warm-up-0 (dirty section = [0, 16000])\n\t7.9 MB of log processed in 1.5 seconds (5.4 MB/sec).\n';
    const later = '\tLog cleaner thread 0 cleaned log dirty-0-0 (dirty section = [0, 64000])\n'
      + '\t1,031.6 MB of log processed in 10.2 seconds (101.3 MB/sec).\n\tIndexed 31.6 MB in 0.5 seconds (63.2 Mb/sec, 50.0% of total time)\n';
    fs.writeFileSync(file, earlier + later);
    expect(kafkaCleanerStats(file, 0)).toEqual([{ mb: 7.9, mbps: 5.4 }, { mb: 1031.6, mbps: 101.3 }]);
    expect(kafkaCleanerStats(file, earlier.length)).toEqual([{ mb: 1031.6, mbps: 101.3 }]);
  });
});
