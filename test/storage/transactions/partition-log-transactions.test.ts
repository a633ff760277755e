import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordBatch } from '../../../protocol/records.js';
import { LogManager } from '../../../storage/log-manager.js';
import { StorageError } from '../../../storage/errors.js';
import { buildControlBatch, CONTROL_BATCH_SIZE, readMarker } from '../../../storage/transactions/control-batch.js';
import { decodeTxnEntries } from '../../../storage/transactions/txn-index.js';
import { batchRanges, buildBatch, tempDirForTest } from '../helpers.js';

const TXN = 0x10;
const DEFAULTS = { segmentBytes: 1 << 20, indexIntervalBytes: 4096 };

function open(dataDir: string, defaults = DEFAULTS): LogManager {
  return LogManager.open({ dataDir, defaults });
}

function txnBatch(producerId: number, baseSequence: number, count = 2, epoch = 0): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ value: `p${producerId}-s${baseSequence + i}` }));
  return buildBatch(records, { producerId, producerEpoch: epoch, baseSequence, attributes: TXN });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StorageError) return err.code;
    throw err;
  }
  return undefined;
}

/** A log with one partition, closed (cleanly) when the test ends. */
function withLog(defaults = DEFAULTS) {
  const dataDir = tempDirForTest('brooklet-txn-');
  const manager = open(dataDir, defaults);
  manager.createTopic('t', 1);
  return { dataDir, manager, log: manager.partition('t', 0)! };
}

describe('control batch bytes', () => {
  it('is Kafka marker layout: one control record, key version 0 + type, value version 0 + coordinator epoch', () => {
    const bytes = buildControlBatch({ producerId: 4242, producerEpoch: 7, commit: true, coordinatorEpoch: 3 }, 1_700_000_000_123);
    expect(bytes.length).toBe(CONTROL_BATCH_SIZE);
    const { header, records } = decodeRecordBatch(bytes);
    expect(header).toMatchObject({ magic: 2, attributes: 0x30, isControl: true, isTransactional: true, producerId: 4242, producerEpoch: 7, baseSequence: -1, recordsCount: 1, lastOffsetDelta: 0 });
    expect(header.baseTimestamp).toBe(1_700_000_000_123);
    expect(header.maxTimestamp).toBe(1_700_000_000_123);
    expect(records).toHaveLength(1);
    expect(records[0]!.key!.toString('hex')).toBe('00000001');
    expect(records[0]!.value!.toString('hex')).toBe('000000000003');
    const abort = buildControlBatch({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }, 5);
    expect(decodeRecordBatch(abort).records[0]!.key!.toString('hex')).toBe('00000000');
    expect(readMarker(bytes)).toEqual({ commit: true, coordinatorEpoch: 3 });
    expect(readMarker(abort)).toEqual({ commit: false, coordinatorEpoch: 0 });
  });
});

describe('PartitionLog transactions', () => {
  it('holds the LSO at the first offset of the oldest open transaction and moves it at each marker', () => {
    const { log } = withLog();
    log.append(buildBatch([{ value: 'plain' }]));
    expect(log.lastStableOffset).toBe(1);
    const a = log.append(txnBatch(10, 0)); // offsets 1-2
    expect(log.lastStableOffset).toBe(1);
    log.append(buildBatch([{ value: 'plain' }])); // 3
    const b = log.append(txnBatch(11, 0)); // 4-5
    log.append(txnBatch(10, 2)); // 6-7: continues producer 10's transaction
    expect(log.lastStableOffset).toBe(a.baseOffset);
    expect(log.logEndOffset).toBe(8);
    const commit = log.appendControlBatch({ producerId: 10, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    expect(commit.baseOffset).toBe(8);
    expect(log.lastStableOffset).toBe(b.baseOffset);
    const abort = log.appendControlBatch({ producerId: 11, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    expect(abort.baseOffset).toBe(9);
    expect(log.lastStableOffset).toBe(10);
    expect(log.abortedTransactions(0, 10)).toEqual([{ producerId: 11, firstOffset: 4 }]);
    const index = decodeTxnEntries(fs.readFileSync(log.segmentList[0]!.txnIndex.path));
    expect(index).toEqual([{ producerId: 11, firstOffset: 4, lastOffset: 9, lastStableOffset: 10 }]);
    // The markers are in the log as their own batches.
    expect(batchRanges(log.read(0, 1 << 20, true).chunks)).toEqual([[0, 0], [1, 2], [3, 3], [4, 5], [6, 7], [8, 8], [9, 9]]);
  });

  it('answers aborted transactions overlapping the range, a fetch starting at the abort marker included', () => {
    const { log } = withLog();
    log.append(txnBatch(1, 0)); // 0-1
    log.append(txnBatch(2, 0)); // 2-3
    log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }); // 4
    log.append(txnBatch(3, 0)); // 5-6
    log.appendControlBatch({ producerId: 3, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }); // 7
    log.appendControlBatch({ producerId: 2, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }); // 8
    // Producer 1's abort kept producer 2's open transaction as its LSO; producer 3's too.
    expect(decodeTxnEntries(fs.readFileSync(log.segmentList[0]!.txnIndex.path))).toEqual([
      { producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 },
      { producerId: 3, firstOffset: 5, lastOffset: 7, lastStableOffset: 2 },
    ]);
    expect(log.abortedTransactions(0, 9)).toEqual([{ producerId: 1, firstOffset: 0 }, { producerId: 3, firstOffset: 5 }]);
    expect(log.abortedTransactions(4, 5)).toEqual([{ producerId: 1, firstOffset: 0 }]); // starts at the marker
    expect(log.abortedTransactions(5, 9)).toEqual([{ producerId: 3, firstOffset: 5 }]);
    expect(log.abortedTransactions(0, 2)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    expect(log.abortedTransactions(8, 9)).toEqual([]);
  });

  it('keeps each abort in the .txnindex of the segment holding its marker, and collects across segments', () => {
    const { log } = withLog({ segmentBytes: 400, indexIntervalBytes: 4096 });
    const aborted: { producerId: number; firstOffset: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const first = log.append(txnBatch(100 + i, 0, 3)).baseOffset;
      const commit = i % 3 === 0;
      log.appendControlBatch({ producerId: 100 + i, producerEpoch: 0, commit, coordinatorEpoch: 0 });
      if (!commit) aborted.push({ producerId: 100 + i, firstOffset: first });
    }
    expect(log.segmentList.length).toBeGreaterThan(3);
    for (const segment of log.segmentList) {
      for (const entry of segment.txnIndex.entries) {
        expect(entry.lastOffset).toBeGreaterThanOrEqual(segment.baseOffset);
        expect(entry.lastOffset).toBeLessThan(segment.nextOffset);
      }
    }
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual(aborted);
    expect(log.abortedTransactions(aborted[4]!.firstOffset, aborted[5]!.firstOffset)).toEqual([aborted[4]]);
  });

  it('rejects what Kafka rejects, and leaves the log unchanged', () => {
    const { log } = withLog();
    expect(codeOf(() => log.append(buildBatch([{ value: 'x' }], { attributes: TXN })))).toBe('INVALID_RECORD');
    expect(codeOf(() => log.append(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }, 1)))).toBe('INVALID_RECORD');
    log.append(txnBatch(7, 0));
    const idempotent = buildBatch([{ value: 'x' }], { producerId: 7, producerEpoch: 0, baseSequence: 2 });
    expect(codeOf(() => log.append(idempotent))).toBe('INVALID_TXN_STATE');
    expect(log.logEndOffset).toBe(2);
    // One request: a transactional batch then a plain one of the same producer.
    const mixed = Buffer.concat([txnBatch(8, 0), buildBatch([{ value: 'y' }], { producerId: 8, producerEpoch: 0, baseSequence: 2 })]);
    expect(codeOf(() => log.append(mixed))).toBe('INVALID_TXN_STATE');
    expect(log.logEndOffset).toBe(2);
    log.appendControlBatch({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 5 });
    expect(codeOf(() => log.appendControlBatch({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 4 }))).toBe('TRANSACTION_COORDINATOR_FENCED');
    log.appendControlBatch({ producerId: 7, producerEpoch: 1, commit: false, coordinatorEpoch: 5 }); // an epoch bump (transactions v2)
    expect(codeOf(() => log.appendControlBatch({ producerId: 7, producerEpoch: 0, commit: false, coordinatorEpoch: 5 }))).toBe('INVALID_PRODUCER_EPOCH');
    // After the marker the producer writes idempotently again.
    expect(log.append(buildBatch([{ value: 'z' }], { producerId: 7, producerEpoch: 1, baseSequence: 0 })).baseOffset).toBe(4);
  });

  it('an empty transaction (a marker with no data here) writes the marker and nothing else', () => {
    const { log } = withLog();
    log.append(buildBatch([{ value: 'a' }]));
    expect(log.appendControlBatch({ producerId: 3, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }).baseOffset).toBe(1);
    expect(log.lastStableOffset).toBe(2);
    expect(log.abortedTransactions(0, 2)).toEqual([]);
    expect(fs.existsSync(log.segmentList[0]!.txnIndex.path)).toBe(false);
  });

  it('describes its producers with their open transaction', () => {
    const { log } = withLog();
    log.append(txnBatch(5, 0, 3, 2));
    log.append(buildBatch([{ value: 'i', timestamp: 1_700_000_000_500 }], { producerId: 6, producerEpoch: 0, baseSequence: 0 }));
    log.appendControlBatch({ producerId: 9, producerEpoch: 4, commit: true, coordinatorEpoch: 2 }, 1_700_000_000_900);
    expect(log.producerStates()).toEqual([
      { producerId: 5, producerEpoch: 2, lastSequence: 2, lastTimestamp: 1_700_000_000_002, coordinatorEpoch: -1, currentTxnStartOffset: 0 },
      { producerId: 6, producerEpoch: 0, lastSequence: 0, lastTimestamp: 1_700_000_000_500, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
      { producerId: 9, producerEpoch: 4, lastSequence: -1, lastTimestamp: 1_700_000_000_900, coordinatorEpoch: 2, currentTxnStartOffset: -1 },
    ]);
  });
});

describe('transactions after a restart', () => {
  function crash(dataDir: string): void {
    fs.rmSync(path.join(dataDir, '.kafka_cleanshutdown'));
  }

  for (const clean of [true, false]) {
    it(`an open transaction holds the LSO after a ${clean ? 'clean' : 'unclean'} restart, and its marker still ends it`, () => {
      const dataDir = tempDirForTest('brooklet-txn-');
      let m = open(dataDir);
      m.createTopic('t', 1);
      let log = m.partition('t', 0)!;
      log.append(txnBatch(1, 0)); // 0-1, aborted below
      log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }); // 2
      log.append(buildBatch([{ value: 'plain' }])); // 3
      log.append(txnBatch(2, 0)); // 4-5, left open
      log.append(buildBatch([{ value: 'plain' }])); // 6
      m.close();
      if (!clean) crash(dataDir);
      m = open(dataDir);
      log = m.partition('t', 0)!;
      expect(log.recovery.scannedSegments.length).toBe(clean ? 0 : 1);
      expect(log.lastStableOffset).toBe(4);
      expect(log.abortedTransactions(0, 7)).toEqual([{ producerId: 1, firstOffset: 0 }]);
      expect(codeOf(() => log.append(buildBatch([{ value: 'x' }], { producerId: 2, producerEpoch: 0, baseSequence: 2 })))).toBe('INVALID_TXN_STATE');
      log.appendControlBatch({ producerId: 2, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
      expect(log.lastStableOffset).toBe(8);
      m.close();
    });
  }

  it('rebuilds a .txnindex that lost its entry (kill -9 between the marker and the index write)', () => {
    const dataDir = tempDirForTest('brooklet-txn-');
    let m = open(dataDir);
    m.createTopic('t', 1);
    let log = m.partition('t', 0)!;
    log.append(txnBatch(1, 0));
    log.append(txnBatch(2, 0));
    log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    log.appendControlBatch({ producerId: 2, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    const indexPath = log.segmentList[0]!.txnIndex.path;
    const before = fs.readFileSync(indexPath);
    m.close();
    crash(dataDir);
    fs.truncateSync(indexPath, 34 + 20); // the second entry half-written, as if cut mid-write
    m = open(dataDir);
    log = m.partition('t', 0)!;
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual([{ producerId: 1, firstOffset: 0 }, { producerId: 2, firstOffset: 2 }]);
    m.close();
    expect(fs.readFileSync(indexPath)).toEqual(before);
    crash(dataDir);
    fs.rmSync(indexPath);
    m = open(dataDir);
    expect(m.partition('t', 0)!.abortedTransactions(0, 6)).toHaveLength(2);
    m.close();
    expect(fs.readFileSync(indexPath)).toEqual(before);
  });

  it('garbage after a commit marker is cut off; the transaction stays committed and nothing reopens', () => {
    const dataDir = tempDirForTest('brooklet-txn-');
    let m = open(dataDir);
    m.createTopic('t', 1);
    let log = m.partition('t', 0)!;
    log.append(txnBatch(1, 0));
    log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0 }); // 2
    log.append(txnBatch(2, 0)); // 3-4
    const logPath = log.segmentList[0]!.logPath;
    m.close();
    crash(dataDir);
    // The second transaction's batch is torn (garbage from its 30th byte): it never happened.
    const bytes = fs.readFileSync(logPath);
    const markerEnd = 12 + bytes.readInt32BE(8) + CONTROL_BATCH_SIZE;
    bytes.fill(0xab, markerEnd + 30);
    fs.writeFileSync(logPath, bytes);
    m = open(dataDir);
    log = m.partition('t', 0)!;
    expect(log.recovery.truncated?.position).toBe(markerEnd);
    expect(log.logEndOffset).toBe(3);
    expect(log.lastStableOffset).toBe(3);
    expect(log.abortedTransactions(0, 3)).toEqual([]);
    m.close();
  });

  it('an abort marker cut off by recovery loses its index entry and reopens its transaction', () => {
    const dataDir = tempDirForTest('brooklet-txn-');
    let m = open(dataDir);
    m.createTopic('t', 1);
    let log = m.partition('t', 0)!;
    log.append(txnBatch(1, 0)); // 0-1
    log.appendControlBatch({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }); // 2
    const logPath = log.segmentList[0]!.logPath;
    const indexPath = log.segmentList[0]!.txnIndex.path;
    m.close();
    crash(dataDir);
    fs.truncateSync(logPath, fs.statSync(logPath).size - 5); // the marker torn
    m = open(dataDir);
    log = m.partition('t', 0)!;
    expect(log.logEndOffset).toBe(2);
    expect(log.lastStableOffset).toBe(0);
    expect(log.abortedTransactions(0, 2)).toEqual([]);
    expect(fs.existsSync(indexPath)).toBe(false);
    m.close();
  });
});
