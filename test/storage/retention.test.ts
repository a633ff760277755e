import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeleteRecordsError, LogManager } from '../../storage/log-manager.js';
import { LOG_START_FILE } from '../../storage/retention/log-start-checkpoint.js';
import { bySize, byTime } from '../../storage/retention/retention.js';
import { batchRanges, buildBatch, tempDirForTest } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;
const managers: LogManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function open(dataDir: string, segmentBytes = 600): LogManager {
  const m = LogManager.open({ dataDir, defaults: { segmentBytes } });
  managers.push(m);
  return m;
}

/** One batch of `count` 40-byte records, all stamped `timestamp`. */
function batchAt(timestamp: number, count = 3): Buffer {
  return buildBatch(Array.from({ length: count }, () => ({ value: Buffer.alloc(40, 7), timestamp })));
}

function bases(m: LogManager, topic: string): number[] {
  return m.partition(topic, 0)!.segmentList.map((s) => s.baseOffset);
}

describe('retention decisions (Kafka deleteOldSegments)', () => {
  const seg = (baseOffset: number, size: number, largestTimestamp: number) => ({ baseOffset, size, largestTimestamp });

  it('by time: the oldest run of segments past retention.ms, stopping at the first newer one', () => {
    const segments = [seg(0, 100, NOW - 9 * DAY), seg(10, 100, NOW - DAY), seg(20, 100, NOW - 9 * DAY), seg(30, 0, -1)];
    expect(byTime(segments, { retentionMs: 7 * DAY }, NOW)).toBe(1);
    expect(byTime(segments, { retentionMs: -1 }, NOW)).toBe(0);
    expect(byTime(segments, { retentionMs: 0 }, NOW)).toBe(3); // never the empty active segment
  });

  it('by size: the oldest segments while what is left stays at or above retention.bytes', () => {
    const segments = [seg(0, 100, 0), seg(10, 100, 0), seg(20, 100, 0), seg(30, 50, 0)];
    expect(bySize(segments, { retentionBytes: 350 })).toBe(0);
    expect(bySize(segments, { retentionBytes: 250 })).toBe(1);
    expect(bySize(segments, { retentionBytes: 50 })).toBe(3);
    expect(bySize(segments, { retentionBytes: 0 })).toBe(4);
    expect(bySize(segments, { retentionBytes: -1 })).toBe(0);
  });
});

describe('retention passes', () => {
  it('deletes sealed segments older than retention.ms, moves the log start, and answers reads below it out of range', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'retention.ms': String(7 * DAY) });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 6; i++) log.append(batchAt(NOW - 10 * DAY), NOW);
    for (let i = 0; i < 6; i++) log.append(batchAt(NOW - DAY), NOW);
    const before = bases(m, 't');
    const firstRecent = log.segmentList.find((s) => s.maxTimestampSoFar === NOW - DAY)!;
    m.runRetention(NOW);
    const after = bases(m, 't');
    // Kafka deletes the prefix up to the first segment holding a recent record.
    expect(after).toEqual(before.filter((b) => b >= firstRecent.baseOffset));
    expect(after.length).toBeLessThan(before.length);
    expect(log.logStartOffset).toBe(after[0]);
    expect(log.read(after[0]! - 1, 1 << 20, true).outOfRange).toBe(true);
    expect(batchRanges(log.read(after[0]!, 1 << 20, true).chunks)[0]![0]).toBe(after[0]);
    expect(log.offsetForTimestamp(-2)!.offset).toBe(after[0]);
    for (const base of before.filter((b) => b < after[0]!)) {
      expect(fs.existsSync(path.join(log.dir, `${String(base).padStart(20, '0')}.log`))).toBe(false);
      expect(fs.existsSync(path.join(log.dir, `${String(base).padStart(20, '0')}.index`))).toBe(false);
    }
  });

  it('rolls a breaching active segment first, leaving one empty segment at the log end', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'retention.ms': '1000' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 5; i++) log.append(batchAt(NOW - 5000), NOW);
    const end = log.logEndOffset;
    m.runRetention(NOW);
    expect(bases(m, 't')).toEqual([end]);
    expect(log.logStartOffset).toBe(end);
    expect(log.append(batchAt(NOW), NOW).baseOffset).toBe(end);
  });

  it('keeps the partition at or above retention.bytes by deleting its oldest segments', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'retention.bytes': '1500', 'retention.ms': '-1' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 20; i++) log.append(batchAt(NOW), NOW);
    const total = () => log.segmentList.reduce((sum, s) => sum + s.size, 0);
    m.runRetention(NOW);
    expect(total()).toBeGreaterThanOrEqual(1500);
    expect(total() - log.segmentList[0]!.size).toBeLessThan(1500);
    expect(log.logStartOffset).toBe(log.segmentList[0]!.baseOffset);
  });

  it('cleanup.policy=compact,delete applies retention too', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 6; i++) log.append(batchAt(NOW - DAY), NOW);
    m.runRetention(NOW);
    expect(log.logStartOffset).toBe(log.logEndOffset);
    expect(log.logConfig.cleanupPolicy).toEqual({ compact: true, delete: true });
  });

  it('cleanup.policy=compact keeps old data that delete would remove', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'retention.ms': '1000', 'cleanup.policy': 'compact' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 6; i++) log.append(batchAt(NOW - DAY), NOW);
    const before = bases(m, 't');
    m.runRetention(NOW);
    expect(bases(m, 't')).toEqual(before);
    expect(log.logStartOffset).toBe(0);
  });
});

describe('DeleteRecords', () => {
  function expectRefused(fn: () => unknown, code: DeleteRecordsError['code']): void {
    let error: unknown;
    try {
      fn();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DeleteRecordsError);
    expect((error as DeleteRecordsError).code).toBe(code);
  }

  it('moves the low watermark inside a segment, deletes the segments wholly below it, and checkpoints it', () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir);
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 12; i++) log.append(batchAt(NOW), NOW);
    const third = log.segmentList[2]!;
    const target = third.baseOffset + 1;
    expect(m.deleteRecords(log, target)).toBe(target);
    expect(log.segmentList[0]!.baseOffset).toBe(third.baseOffset);
    expect(log.logStartOffset).toBe(target);
    expect(log.read(target - 1, 1 << 20, true).outOfRange).toBe(true);
    expect(log.read(target, 1 << 20, true).outOfRange).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, LOG_START_FILE), 'utf8')).toBe(`0\n1\nt 0 ${target}\n`);
    // never backwards
    expect(m.deleteRecords(log, 1)).toBe(target);
  });

  it('answers -1 as the high watermark and refuses offsets past it, negative offsets and compacted topics', () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1);
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 4; i++) log.append(batchAt(NOW), NOW);
    expectRefused(() => m.deleteRecords(log, log.logEndOffset + 1), 'OFFSET_OUT_OF_RANGE');
    expectRefused(() => m.deleteRecords(log, -2), 'OFFSET_OUT_OF_RANGE');
    expectRefused(() => m.deleteRecords(m.partition('c', 0)!, 0), 'POLICY_VIOLATION');
    expect(log.logStartOffset).toBe(0);
    expect(m.deleteRecords(log, -1)).toBe(log.logEndOffset);
    expect(m.partition('c', 0)!.logStartOffset).toBe(0);
  });

  it('the low watermark survives a clean restart and a crash (no close)', () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir);
    m.createTopic('t', 1);
    for (let i = 0; i < 12; i++) m.partition('t', 0)!.append(batchAt(NOW), NOW);
    m.deleteRecords(m.partition('t', 0)!, 7);
    m.close();
    managers.splice(0);
    const again = open(dataDir);
    expect(again.partition('t', 0)!.logStartOffset).toBe(7);
    again.deleteRecords(again.partition('t', 0)!, 9);
    again.stopBackgroundWork(); // crash: no close, no clean-shutdown marker
    managers.splice(0);
    const recovered = open(dataDir);
    expect(recovered.openedAfterCleanShutdown).toBe(false);
    expect(recovered.partition('t', 0)!.logStartOffset).toBe(9);
    expect(recovered.partition('t', 0)!.read(8, 1 << 20, true).outOfRange).toBe(true);
  });

  it('a topic deleted and made again starts at offset 0', () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir);
    m.createTopic('t', 1);
    for (let i = 0; i < 3; i++) m.partition('t', 0)!.append(batchAt(NOW), NOW);
    m.deleteRecords(m.partition('t', 0)!, 5);
    m.deleteTopic('t');
    m.createTopic('t', 1);
    m.close();
    managers.splice(0);
    expect(open(dataDir).partition('t', 0)!.logStartOffset).toBe(0);
  });
});
