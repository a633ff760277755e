/**
 * Flush policy and group commit at the storage level: `always` shares one sync among every
 * append waiting at the time, `interval` syncs in the background, `never` leaves the page cache
 * alone but still syncs a rolled segment, and the recovery point checkpoint follows, so that a
 * crash scans only the unflushed tail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveLogConfig, KAFKA_DEFAULTS } from '../../storage/config.js';
import { LogManager } from '../../storage/log-manager.js';
import { readSyncLog } from '../../storage/sync-log.js';
import { batchOf, tempDir } from './helpers.js';
import { DURABILITY, fmt, recordFigure, writeFigures } from '../reliability/record.js';

/** Sync statistics of the two group-commit tests, from passing tests only. */
let concurrent: { rounds: number; fileSyncs: number } | undefined;
let sequential: { rounds: number; fileSyncs: number } | undefined;
afterAll(() => {
  if (concurrent && sequential) {
    recordFigure(DURABILITY, 'Group commit in the storage engine: 200 appends on 4 partitions waiting at once; 20 writers x 15 appends each waiting for their own sync', {
      figure: `the 200: sync rounds ${fmt(concurrent.rounds)}, file syncs ${fmt(concurrent.fileSyncs)} (limits 2 and 8); `
        + `the 300: sync rounds ${fmt(sequential.rounds)}, file syncs ${fmt(sequential.fileSyncs)} (limit 59 rounds)`,
      command: 'npx vitest run test/storage/group-commit.test.ts',
      concurrentRounds: concurrent.rounds, concurrentFileSyncs: concurrent.fileSyncs, sequentialRounds: sequential.rounds, sequentialFileSyncs: sequential.fileSyncs,
    });
  }
  writeFigures(import.meta.url);
});

const managers: LogManager[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string, defaults: Parameters<typeof LogManager.open>[0]['defaults'], extra: Partial<Parameters<typeof LogManager.open>[0]> = {}): LogManager {
  const m = LogManager.open({ dataDir, defaults, ...extra });
  managers.push(m);
  return m;
}

function fresh(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('flush policy from topic configs', () => {
  it('maps flush.messages=1 and flush.ms to always / interval / never, else the broker default', () => {
    const d = { ...KAFKA_DEFAULTS, flushPolicy: 'interval' as const, flushIntervalMs: 700 };
    expect(resolveLogConfig({}, d)).toMatchObject({ flushPolicy: 'interval', flushIntervalMs: 700 });
    expect(resolveLogConfig({ 'flush.messages': '1' }, d).flushPolicy).toBe('always');
    expect(resolveLogConfig({ 'flush.messages': '1', 'flush.ms': '50' }, d).flushPolicy).toBe('always');
    expect(resolveLogConfig({ 'flush.ms': '50' }, d)).toMatchObject({ flushPolicy: 'interval', flushIntervalMs: 50 });
    expect(resolveLogConfig({ 'flush.ms': '0' }, d).flushPolicy).toBe('always');
    expect(resolveLogConfig({ 'flush.ms': '9223372036854775807' }, d).flushPolicy).toBe('never');
    expect(resolveLogConfig({ 'flush.messages': '1000' }, d).flushPolicy).toBe('interval');
    expect(() => resolveLogConfig({ 'flush.ms': 'soon' }, d)).toThrow(/flush.ms/);
  });
});

describe('always: group commit', () => {
  it('acknowledges 200 concurrent appends on 4 partitions with a handful of syncs, each after its bytes were synced', async () => {
    const syncLogPath = path.join(fresh(), 'syncs');
    const m = open(fresh(), { flushPolicy: 'always' }, { syncLogPath });
    m.createTopic('t', 4);
    const logs = [0, 1, 2, 3].map((p) => m.partition('t', p)!);
    const acks: Promise<number>[] = [];
    for (let i = 0; i < 200; i++) {
      const log = logs[i % 4]!;
      const result = log.append(batchOf(2, 30));
      // what must be on disk for this append: its segment's length right after it
      const needed = log.segmentList.at(-1)!.size;
      const pending = m.durableAck(log, result.lastOffset + 1)!;
      expect(pending).toBeInstanceOf(Promise);
      acks.push(pending.then(() => needed));
    }
    const needed = await Promise.all(acks);
    const synced = readSyncLog(syncLogPath);
    for (let p = 0; p < 4; p++) {
      const file = logs[p]!.segmentList.at(-1)!.logPath;
      expect(synced.get(file)).toBeGreaterThanOrEqual(Math.max(...needed.filter((_, i) => i % 4 === p)));
      expect(logs[p]!.recoveryPoint).toBe(logs[p]!.logEndOffset);
    }
    expect(m.syncStats.waiters).toBe(200);
    expect(m.syncStats.rounds).toBeLessThanOrEqual(2);
    expect(m.syncStats.fileSyncs).toBeLessThanOrEqual(8);
    concurrent = { rounds: m.syncStats.rounds, fileSyncs: m.syncStats.fileSyncs };
  });

  it('appends made while a sync runs wait for, and share, the next round', async () => {
    const m = open(fresh(), { flushPolicy: 'always' });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    const acks: Promise<void>[] = [];
    const started = Date.now();
    // 20 producers, each appending again as soon as its previous append is durable
    await Promise.all(Array.from({ length: 20 }, async () => {
      for (let i = 0; i < 15; i++) {
        const r = log.append(batchOf(1, 50));
        const ack = m.durableAck(log, r.lastOffset + 1)!;
        acks.push(ack);
        await ack;
        expect(log.recoveryPoint).toBeGreaterThanOrEqual(r.lastOffset + 1);
      }
    }));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(m.syncStats.waiters).toBe(300);
    // every round served about 20 producers at once: far fewer rounds than appends
    expect(m.syncStats.rounds).toBeLessThan(300 / 5);
    sequential = { rounds: m.syncStats.rounds, fileSyncs: m.syncStats.fileSyncs };
  });

  it('answers at once when the offsets are already durable, and is not used by other policies', async () => {
    const m = open(fresh(), { flushPolicy: 'always' });
    m.createTopic('a', 1);
    m.createTopic('n', 1, { 'flush.ms': '9223372036854775807' });
    const a = m.partition('a', 0)!;
    const r = a.append(batchOf(1));
    await m.durableAck(a, r.lastOffset + 1);
    const rounds = m.syncStats.rounds;
    await m.durableAck(a, r.lastOffset + 1);
    expect(m.syncStats.rounds).toBe(rounds);
    const n = m.partition('n', 0)!;
    expect(m.durableAck(n, n.append(batchOf(1)).lastOffset + 1)).toBeNull();
    expect(n.recoveryPoint).toBe(0);
  });
});

describe('background syncs and the recovery point', () => {
  it('interval: syncs unacknowledged appends within the interval', async () => {
    const m = open(fresh(), { flushPolicy: 'interval', flushIntervalMs: 20 });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 10; i++) log.append(batchOf(3));
    expect(log.recoveryPoint).toBe(0);
    const deadline = Date.now() + 2000;
    while (log.recoveryPoint < log.logEndOffset && Date.now() < deadline) await sleep(5);
    expect(log.recoveryPoint).toBe(30);
    expect(m.syncStats.rounds).toBeGreaterThan(0);
  });

  it('never: a rolled segment is synced and checkpointed, so a crash scans only the active segment', async () => {
    const dataDir = fresh();
    const m = open(dataDir, { flushPolicy: 'never', segmentBytes: 1000, indexIntervalBytes: 100 }, { checkpointIntervalMs: 10 });
    m.createTopic('t', 1);
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 60; i++) log.append(batchOf(2, 40));
    expect(log.segmentList.length).toBeGreaterThan(4);
    const checkpoint = path.join(dataDir, 'recovery-point-offset-checkpoint');
    const checkpointed = () => Number(/t 0 (\d+)/.exec(fs.existsSync(checkpoint) ? fs.readFileSync(checkpoint, 'utf8') : '')?.[1] ?? 0);
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && checkpointed() < log.segmentList.at(-1)!.baseOffset) await sleep(5);
    // more appends that nothing syncs (never), then a crash: no flush, checkpoint or marker
    for (let i = 0; i < 3; i++) log.append(batchOf(2, 40));
    m.stopBackgroundWork();
    managers.splice(managers.indexOf(m), 1);
    const recoveryPoint = checkpointed();
    expect(recoveryPoint).toBeGreaterThanOrEqual(log.segmentList.at(-2)!.baseOffset);
    expect(recoveryPoint).toBeLessThan(126);
    const activeBase = log.segmentList.at(-1)!.baseOffset;

    const after = open(dataDir, { segmentBytes: 1000, indexIntervalBytes: 100 });
    const reopened = after.partition('t', 0)!;
    expect(reopened.recovery.scannedSegments).toEqual([activeBase]);
    expect(reopened.logEndOffset).toBe(126);
    after.close();
    managers.splice(managers.indexOf(after), 1);
    const clean = open(dataDir, { segmentBytes: 1000, indexIntervalBytes: 100 });
    expect(clean.openedAfterCleanShutdown).toBe(true);
    expect(clean.partition('t', 0)!.recovery.scannedSegments).toEqual([]);
  });
});
