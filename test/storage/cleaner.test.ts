import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../protocol/records.js';
import { decodeRecordBatch } from '../../protocol/records.js';
import { shouldClean, type CleanPlan } from '../../storage/cleaner/clean-plan.js';
import { completeOrRollBackSwaps } from '../../storage/cleaner/swap.js';
import { LogManager, type PartitionLog } from '../../storage/log-manager.js';
import { tempDirForTest } from './helpers.js';

const NOW = 1_800_000_000_000;
const managers: LogManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function open(dataDir: string, segmentBytes = 1000): LogManager {
  const m = LogManager.open({ dataDir, defaults: { segmentBytes, retentionMs: -1 } });
  managers.push(m);
  return m;
}

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
}

/** One batch of keyed records (value null = tombstone). */
function keyed(pairs: Array<[string, string | null]>, options: { compression?: 'gzip'; producerId?: number; transactional?: boolean } = {}): Buffer {
  return encodeRecordBatch({
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
    timestamp: NOW,
    compression: options.compression,
    producerId: options.producerId,
    producerEpoch: options.producerId === undefined ? -1 : 0,
    baseSequence: options.producerId === undefined ? -1 : 0,
    isTransactional: options.transactional,
  });
}

/** Every record from the log start, decoded. */
function readAll(log: PartitionLog): Rec[] {
  const out: Rec[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1 << 20, true);
    if (read.chunks.length === 0) break;
    for (const chunk of read.chunks) {
      let at = 0;
      while (at < chunk.length) {
        const size = 12 + chunk.readInt32BE(at + 8);
        const batch = chunk.subarray(at, at + size);
        if ((batch.readInt16BE(21) & 0x20) === 0) {
          for (const r of decodeRecordBatch(batch).records) out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
        }
        at += size;
      }
    }
    offset = read.nextOffset;
  }
  return out;
}

/** What compaction must leave: for each key its last record (by offset) among `records`. */
function lastPerKey(records: Rec[]): Rec[] {
  const last = new Map<string, Rec>();
  for (const r of records) last.set(r.key!, r);
  return [...last.values()].sort((a, b) => a.offset - b.offset);
}

/** Writes `rounds` rounds over keys k0..k(keys-1), each record its own batch; returns what was written. */
function writeKeyed(log: PartitionLog, rounds: number, keys: number, tombstoneEvery = 0): Rec[] {
  const written: Rec[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys; k++) {
      const tomb = tombstoneEvery > 0 && round === rounds - 1 && k % tombstoneEvery === 0;
      const value = tomb ? null : `v${round}-${k}-${'x'.repeat(20)}`;
      const result = log.append(keyed([[`k${k}`, value]]), NOW);
      written.push({ offset: result.baseOffset, key: `k${k}`, value });
    }
  }
  return written;
}

function activeRecords(log: PartitionLog, all: Rec[]): Rec[] {
  const activeBase = log.segmentList.at(-1)!.baseOffset;
  return all.filter((r) => r.offset >= activeBase);
}

describe('log cleaner', () => {
  it('keeps the last record per key at its own offset, never touching the active segment', async () => {
    const m = open(tempDirForTest());
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const log = m.partition('c', 0)!;
    const written = writeKeyed(log, 12, 10);
    const bytesBefore = log.segmentList.reduce((sum, seg) => sum + seg.size, 0);
    const activeBefore = log.segmentList.at(-1)!;
    const result = await m.cleanNow(log, NOW, true);
    expect(result).not.toBeNull();
    expect(log.segmentList.at(-1)).toBe(activeBefore);
    expect(log.segmentList.reduce((sum, seg) => sum + seg.size, 0)).toBeLessThan(bytesBefore / 3);
    const cleanedEnd = activeBefore.baseOffset;
    const expected = [...lastPerKey(written.filter((r) => r.offset < cleanedEnd)), ...written.filter((r) => r.offset >= cleanedEnd)];
    // The offset map covers the cleaned range only: a key written again in the active segment
    // keeps its last cleaned record too (as in Kafka), and the active segment is as written.
    expect(readAll(log)).toEqual(expected);
    expect(log.logEndOffset).toBe(written.length);
    expect(result!.stats.endOffset).toBe(cleanedEnd);
  });

  it('survives a restart after an unclean stop: compacted segments are not truncated at their gaps', async () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir);
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    writeKeyed(m.partition('c', 0)!, 10, 5);
    await m.cleanNow(m.partition('c', 0)!, NOW, true);
    const before = readAll(m.partition('c', 0)!);
    m.stopBackgroundWork();
    managers.splice(0);
    const again = open(dataDir);
    expect(again.openedAfterCleanShutdown).toBe(false);
    expect(again.partition('c', 0)!.recovery.truncated).toBeUndefined();
    expect(readAll(again.partition('c', 0)!)).toEqual(before);
  });

  it('keeps a tombstone through its first clean and removes it once delete.retention.ms has passed', async () => {
    const m = open(tempDirForTest());
    m.createTopic('c', 1, { 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' });
    const log = m.partition('c', 0)!;
    writeKeyed(log, 6, 6, 2); // the last round deletes k0, k2, k4
    log.roll(NOW);
    await m.cleanNow(log, NOW, true);
    const afterFirst = readAll(log);
    expect(afterFirst.filter((r) => r.value === null).map((r) => r.key)).toEqual(['k0', 'k2', 'k4']);
    // More dirty data, a second clean while the horizon has not passed: still there.
    log.append(keyed([['other', 'x']]), NOW);
    log.roll(NOW);
    const soon = fs.statSync(log.segmentList[0]!.logPath).mtimeMs + 500;
    await m.cleanNow(log, soon, true);
    expect(readAll(log).filter((r) => r.value === null)).toHaveLength(3);
    log.append(keyed([['other', 'y']]), NOW);
    log.roll(NOW);
    const later = fs.statSync(log.segmentList[0]!.logPath).mtimeMs + 5000;
    const result = await m.cleanNow(log, later, true);
    expect(result!.stats.tombstonesRemoved).toBe(3);
    const keys = readAll(log).map((r) => r.key);
    expect(keys).not.toContain('k2');
    expect(keys).toContain('k1');
  });

  it('waits for min.cleanable.dirty.ratio unless max.compaction.lag.ms has passed', async () => {
    const m = open(tempDirForTest());
    m.createTopic('c', 1, { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.99', 'max.compaction.lag.ms': '60000' });
    const log = m.partition('c', 0)!;
    writeKeyed(log, 6, 6);
    log.roll(NOW);
    await m.cleanNow(log, NOW, true); // everything is clean now
    writeKeyed(log, 1, 2);
    log.roll(NOW);
    expect(await m.cleanNow(log, NOW)).toBeNull(); // dirty ratio far below 0.99
    const result = await m.cleanNow(log, NOW + 120_000); // the dirty segment is older than the lag
    expect(result).not.toBeNull();
    expect(result!.plan.forced).toBe(true);
  });

  it('leaves records younger than min.compaction.lag.ms alone', async () => {
    const m = open(tempDirForTest());
    m.createTopic('c', 1, { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' });
    const log = m.partition('c', 0)!;
    writeKeyed(log, 6, 4); // timestamps NOW
    log.roll(NOW);
    expect(await m.cleanNow(log, NOW + 1000, true)).toBeNull(); // every segment is too young
    const result = await m.cleanNow(log, NOW + 120_000, true);
    expect(result).not.toBeNull();
  });

  it('re-compresses a gzip batch with gzip and keeps only its live records', async () => {
    const m = open(tempDirForTest(), 100_000);
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const log = m.partition('c', 0)!;
    log.append(keyed([['a', '1'], ['b', '1'], ['c', '1']], { compression: 'gzip' }), NOW);
    log.append(keyed([['a', '2']]), NOW);
    log.roll(NOW);
    log.append(keyed([['z', '1']]), NOW);
    await m.cleanNow(log, NOW, true);
    const first = log.read(0, 1 << 20, true).chunks[0]!;
    expect(first.readInt16BE(21) & 0x07).toBe(1);
    expect(readAll(log)).toEqual([
      { offset: 1, key: 'b', value: '1' },
      { offset: 2, key: 'c', value: '1' },
      { offset: 3, key: 'a', value: '2' },
      { offset: 4, key: 'z', value: '1' },
    ]);
  });

  it('removes aborted transactional records and keeps every marker', async () => {
    const m = open(tempDirForTest(), 100_000);
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const log = m.partition('c', 0)!;
    log.append(keyed([['a', 'committed']], { producerId: 7, transactional: true }), NOW);
    log.appendControlBatch({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }, NOW);
    const aborted = encodeRecordBatch({ records: [{ key: Buffer.from('b'), value: Buffer.from('aborted') }], timestamp: NOW, producerId: 8, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    log.append(aborted, NOW);
    log.appendControlBatch({ producerId: 8, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }, NOW);
    log.roll(NOW);
    log.append(keyed([['z', '1']]), NOW);
    const result = await m.cleanNow(log, NOW, true);
    expect(result!.stats.abortedRemoved).toBe(1);
    expect(readAll(log).map((r) => r.value)).toEqual(['committed', '1']);
    let markers = 0;
    for (const chunk of log.read(0, 1 << 20, true).chunks) {
      for (let at = 0; at < chunk.length; at += 12 + chunk.readInt32BE(at + 8)) if (chunk.readInt16BE(at + 21) & 0x20) markers++;
    }
    expect(markers).toBe(2);
  });
});

describe('swap recovery', () => {
  function build(dataDir: string): { written: Rec[] } {
    const m = open(dataDir);
    m.createTopic('c', 1, { 'cleanup.policy': 'compact' });
    const written = writeKeyed(m.partition('c', 0)!, 10, 5);
    m.close();
    managers.splice(0);
    return { written };
  }

  it('a .cleaned file (crash before the commit) is deleted and the old segments stay', () => {
    const dataDir = tempDirForTest();
    build(dataDir);
    const dir = path.join(dataDir, 'c-0');
    const before = fs.readdirSync(dir).sort();
    fs.writeFileSync(path.join(dir, '00000000000000000000.log.cleaned'), Buffer.alloc(100, 1));
    const report = completeOrRollBackSwaps(dir);
    expect(report.rolledBack).toEqual(['00000000000000000000.log.cleaned']);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('a committed .swap (crash after the commit) replaces exactly the old segments it covers', async () => {
    const original = tempDirForTest();
    const { written } = build(original);
    // The cleaned copy, made in a twin directory: its first segment is what the swap held.
    const twin = tempDirForTest();
    fs.cpSync(original, twin, { recursive: true });
    fs.rmSync(path.join(twin, '.lock'), { force: true });
    const m = open(twin, 100_000); // groups of several segments
    const twinLog = m.partition('c', 0)!;
    const oldBases = twinLog.segmentList.map((s) => s.baseOffset);
    await m.cleanNow(twinLog, NOW, true);
    const cleaned = twinLog.segmentList[0]!;
    const expected = readAll(twinLog);
    const covered = oldBases.filter((b) => b < twinLog.segmentList[1]!.baseOffset);
    expect(covered.length).toBeGreaterThan(1);
    const dir = path.join(original, 'c-0');
    fs.copyFileSync(cleaned.logPath, path.join(dir, '00000000000000000000.log.swap'));
    // Crash between unlinking the old segments: the second old segment is already gone.
    fs.rmSync(path.join(dir, `${String(covered[1]).padStart(20, '0')}.log`));
    const again = open(original);
    const log = again.partition('c', 0)!;
    expect(log.segmentList.map((s) => s.baseOffset)).toEqual(twinLog.segmentList.map((s) => s.baseOffset));
    expect(readAll(log)).toEqual(expected);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.swap') || n.endsWith('.cleaned'))).toEqual([]);
    expect(log.logEndOffset).toBe(written.length);
  });
});

describe('clean planning', () => {
  const plan = (dirtyBytes: number, cleanBytes: number, forced = false): CleanPlan => ({
    firstDirtyOffset: 0, firstUncleanableOffset: 10, segments: [], cleanBytes, dirtyBytes,
    dirtyRatio: dirtyBytes / (dirtyBytes + cleanBytes), forced,
  });

  it('cleans only when the dirty ratio exceeds min.cleanable.dirty.ratio, as Kafka filters', () => {
    expect(shouldClean(plan(50, 50), { minCleanableDirtyRatio: 0.5 })).toBe(false);
    expect(shouldClean(plan(51, 49), { minCleanableDirtyRatio: 0.5 })).toBe(true);
    expect(shouldClean(plan(100, 0), { minCleanableDirtyRatio: 1 })).toBe(false);
    expect(shouldClean(plan(100, 0, true), { minCleanableDirtyRatio: 1 })).toBe(true);
    expect(shouldClean(plan(0, 100, true), { minCleanableDirtyRatio: 0 })).toBe(false);
  });
});
