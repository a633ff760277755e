/**
 * The cleaner and transactions (storage/cleaner/txn-cleaning.ts): aborted data removed, markers
 * kept while their transaction's data remains, stamped with a delete horizon (KIP-534) once it is
 * gone and removed after it; the .txnindex, the last stable offset and a read_committed reading of
 * the log stay right across cleans and a restart. Also the cleaned segment's index files, now
 * written during the clean, against a rebuild from its .log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch } from '../../protocol/records.js';
import { computeBatchCrc } from '../../protocol/record-batch.js';
import { LogManager, type PartitionLog } from '../../storage/log-manager.js';
import { Segment } from '../../storage/segment.js';
import { tempDirForTest } from './helpers.js';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const managers: LogManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function open(dataDir: string, segmentBytes = 100_000): LogManager {
  const m = LogManager.open({ dataDir, defaults: { segmentBytes, retentionMs: -1 } });
  managers.push(m);
  return m;
}

const sequences = new Map<number, number>();
function txnBatch(producerId: number, pairs: Array<[string, string]>, codec?: 'snappy'): Buffer {
  const baseSequence = sequences.get(producerId) ?? 0;
  sequences.set(producerId, baseSequence + pairs.length);
  const batch = encodeRecordBatch({
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v) })),
    timestamp: NOW,
    producerId,
    producerEpoch: 0,
    baseSequence,
    isTransactional: true,
  });
  if (codec === 'snappy') {
    // Marked snappy (codec 2) over bytes that are not: the cleaner must drop an aborted batch without decoding it.
    batch.writeInt16BE(batch.readInt16BE(21) | 2, 21);
    batch.writeUInt32BE(computeBatchCrc(batch, 0), 17);
  }
  return batch;
}

function plain(pairs: Array<[string, string]>): Buffer {
  return encodeRecordBatch({ records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v) })), timestamp: NOW });
}

interface SeenBatch {
  baseOffset: number;
  attributes: number;
  producerId: number;
  baseTimestamp: number;
  bytes: Buffer;
}

function batchesOf(log: PartitionLog): SeenBatch[] {
  const out: SeenBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1 << 20, true);
    if (read.chunks.length === 0) break;
    for (const chunk of read.chunks) {
      for (let at = 0; at < chunk.length; at += 12 + chunk.readInt32BE(at + 8)) {
        const bytes = chunk.subarray(at, at + 12 + chunk.readInt32BE(at + 8));
        out.push({ baseOffset: Number(bytes.readBigInt64BE(0)), attributes: bytes.readInt16BE(21), producerId: Number(bytes.readBigInt64BE(43)), baseTimestamp: Number(bytes.readBigInt64BE(27)), bytes });
      }
    }
    offset = read.nextOffset;
  }
  return out;
}

const isControl = (b: SeenBatch): boolean => (b.attributes & 0x20) !== 0;

/** key=value of every record a consumer reads, as Kafka's consumer filters them (read_committed: aborted list from the log). */
function consume(log: PartitionLog, readCommitted: boolean): string[] {
  const aborted = readCommitted ? [...log.abortedTransactions(0, log.lastStableOffset)].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  const out: string[] = [];
  for (const batch of batchesOf(log)) {
    if (readCommitted && batch.baseOffset >= log.lastStableOffset) break;
    while (aborted.length > 0 && aborted[0]!.firstOffset <= batch.baseOffset) abortedProducers.add(aborted.shift()!.producerId);
    if (isControl(batch)) {
      abortedProducers.delete(batch.producerId);
      continue;
    }
    if ((batch.attributes & 0x10) !== 0 && abortedProducers.has(batch.producerId)) continue;
    if ((batch.attributes & 0x07) !== 0) continue; // the pretend-snappy batch
    for (const r of decodeRecordBatch(batch.bytes).records) out.push(`${r.key?.toString()}=${r.value?.toString()}`);
  }
  return out;
}

/** Committed txn of producer 1 on k1, aborted txn of producer 2 on k2 (one pretend-snappy batch), then k1 superseded. */
function workload(log: PartitionLog): void {
  log.append(txnBatch(1, [['k1', 'committed']]), NOW);
  log.append(txnBatch(2, [['k2', 'aborted']]), NOW);
  log.append(txnBatch(2, [['k2', 'aborted-snappy']], 'snappy'), NOW);
  log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }, NOW);
  log.appendControlBatch({ producerId: 2, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }, NOW);
  log.append(plain([['k0', 'plain']]), NOW);
  log.roll(NOW);
}

describe('the cleaner and transaction markers', () => {
  it('removes aborted data at once, then each marker once its data is gone and its delete horizon has passed', async () => {
    const m = open(tempDirForTest());
    m.createTopic('t', 1, { 'cleanup.policy': 'compact', 'delete.retention.ms': String(HOUR) });
    const log = m.partition('t', 0)!;
    workload(log);
    log.append(plain([['z', 'active']]), NOW);
    const committedView = consume(log, true);
    expect(committedView).toEqual(['k1=committed', 'k0=plain', 'z=active']);

    // First clean: the aborted batches go (the snappy one undecoded); both markers stay, the
    // commit's because its data is still there, the abort's because this clean removed its data.
    const first = await m.cleanNow(log, NOW, true);
    expect(first!.stats.abortedRemoved).toBe(2);
    expect(first!.stats.markersStamped).toBe(0);
    let markers = batchesOf(log).filter(isControl);
    expect(markers.map((b) => [b.producerId, b.attributes & 0x40])).toEqual([[1, 0], [2, 0]]);
    expect(log.segmentList[0]!.txnIndex.entries.map((e) => e.producerId)).toEqual([2]);
    expect(consume(log, true)).toEqual(committedView);

    // k1 superseded by a plain write: the committed transaction's data goes at the next clean.
    log.append(plain([['k1', 'later']]), NOW);
    log.roll(NOW);
    log.append(plain([['z', 'active2']]), NOW);
    const second = await m.cleanNow(log, NOW + 1000, true);
    // The abort marker's data was gone before this clean: stamped now. The commit marker's data
    // was read (and removed) by this clean: kept as it is.
    expect(second!.stats.markersStamped).toBe(1);
    markers = batchesOf(log).filter(isControl);
    expect(markers.map((b) => [b.producerId, b.attributes & 0x40])).toEqual([[1, 0], [2, 0x40]]);
    const stamped = markers[1]!;
    expect(stamped.baseTimestamp).toBe(NOW + 1000 + HOUR);
    expect(decodeRecordBatch(stamped.bytes).records[0]!.timestamp).toBe(NOW); // the record's own time is kept
    expect(log.segmentList[0]!.txnIndex.entries).toEqual([]);

    // Each later clean needs something dirty to run at all.
    const dirty = (n: number): void => {
      log.append(plain([[`d${n}`, 'x']]), NOW);
      log.roll(NOW);
    };
    dirty(3);
    const third = await m.cleanNow(log, NOW + 2000, true); // the commit marker is stamped, the abort's horizon not reached
    expect(third!.stats.markersStamped).toBe(1);
    expect(third!.stats.markersRemoved).toBe(0);
    expect(batchesOf(log).filter(isControl)).toHaveLength(2);

    dirty(4);
    const fourth = await m.cleanNow(log, NOW + 1000 + HOUR + 1, true); // the abort's horizon passed, not the commit's
    expect(fourth!.stats.markersRemoved).toBe(1);
    expect(batchesOf(log).filter(isControl).map((b) => b.producerId)).toEqual([1]);

    dirty(5);
    const fifth = await m.cleanNow(log, NOW + 2000 + HOUR + 1, true);
    expect(fifth!.stats.markersRemoved).toBe(1);
    expect(batchesOf(log).filter(isControl)).toEqual([]);
    const expected = ['k0=plain', 'k1=later', 'z=active2', 'd3=x', 'd4=x', 'd5=x'];
    expect(consume(log, true)).toEqual(expected);
    expect(consume(log, false)).toEqual(expected);
    expect(log.lastStableOffset).toBe(log.logEndOffset);
  });

  it('keeps the last stable offset and read_committed reading across a restart after cleans', async () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir);
    m.createTopic('t', 1, { 'cleanup.policy': 'compact', 'delete.retention.ms': '0' });
    const log = m.partition('t', 0)!;
    workload(log);
    log.append(txnBatch(3, [['open', 'pending']]), NOW); // an open transaction in the active segment
    await m.cleanNow(log, NOW, true);
    for (const at of [10, 20]) {
      log.append(plain([[`d${at}`, 'x']]), NOW);
      log.roll(NOW);
      await m.cleanNow(log, NOW + at, true);
    }
    const lso = log.lastStableOffset;
    const view = consume(log, true);
    expect(view).toEqual(['k1=committed', 'k0=plain']);
    m.stopBackgroundWork();
    managers.splice(0); // no clean close: the restart replays the segments
    const again = open(dataDir).partition('t', 0)!;
    expect(again.lastStableOffset).toBe(lso);
    expect(consume(again, true)).toEqual(view);
    expect(consume(again, false)).toEqual([...view, 'open=pending', 'd10=x', 'd20=x']);
    again.appendControlBatch({ producerId: 3, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }, NOW);
    expect(again.lastStableOffset).toBe(again.logEndOffset);
  });

  it('writes the cleaned segment index files a rebuild from its .log would write', async () => {
    const dataDir = tempDirForTest();
    const m = open(dataDir, 200_000);
    m.createTopic('t', 1, { 'cleanup.policy': 'compact', 'index.interval.bytes': '300' });
    const log = m.partition('t', 0)!;
    for (let i = 0; i < 2000; i++) log.append(encodeRecordBatch({ records: [{ key: Buffer.from(`k${i % 300}`), value: Buffer.alloc(40, i) }], timestamp: NOW + (i % 7) * 1000 }), NOW);
    log.roll(NOW);
    log.append(plain([['z', 'active']]), NOW);
    await m.cleanNow(log, NOW, true);
    const cleaned = log.segmentList[0]!;
    const twin = tempDirForTest();
    fs.copyFileSync(cleaned.logPath, path.join(twin, path.basename(cleaned.logPath)));
    const rebuilt = Segment.open(twin, cleaned.baseOffset, cleaned.indexIntervalBytes, NOW);
    rebuilt.denseOffsets = false;
    rebuilt.rebuildIndexes();
    rebuilt.seal();
    for (const suffix of ['.index', '.timeindex']) {
      const name = path.basename(cleaned.logPath).replace('.log', suffix);
      const ours = fs.readFileSync(path.join(path.dirname(cleaned.logPath), name));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.equals(fs.readFileSync(path.join(twin, name)))).toBe(true);
    }
    rebuilt.close();
    expect(fs.readdirSync(path.dirname(cleaned.logPath)).filter((n) => /\.(cleaned|swap|deleted)$/.test(n))).toEqual([]);
  });
});
