/**
 * The index files of a cleaned segment, made while its batches are written instead of by a scan
 * of the new .log at the swap: `X.index.cleaned`, `X.timeindex.cleaned` and, when the clean kept
 * an ABORT marker whose transaction still had batches, `X.txnindex.cleaned` (Kafka's cleaner
 * re-adds exactly those entries to the cleaned segment's transaction index).
 *
 * Each written batch goes through the IndexCadence an append uses, so the entries are the ones a
 * rebuild from the .log would make (segment-state.ts rebuildFromLog). The files are written and
 * fdatasync'd on the thread pool before the swap; the swap only renames them into place (after
 * the .log: a crash before their rename leaves *.cleaned files, which startup deletes, and a
 * segment without indexes, which is rebuilt at open). Opening the swapped-in segment then walks
 * only the batches after its last index entry. Rebuilding them at the swap scanned the whole
 * cleaned segment on the event loop: up to segment.bytes (1 GiB by default) in one step.
 *
 * Formats: offset-index.ts, time-index.ts, transactions/txn-index.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeInt64 } from '../batch-header.js';
import { IndexCadence, type BatchPlacement } from '../index-cadence.js';
import { OFFSET_INDEX_ENTRY_SIZE } from '../offset-index.js';
import { segmentFileName } from '../segment.js';
import { encodeTxnEntry, TXN_INDEX_ENTRY_SIZE, type AbortedTxn } from '../transactions/txn-index.js';
import { CLEANED_SUFFIX } from './swap.js';

const TIME_INDEX_ENTRY_SIZE = 12;

export class CleanedIndexes {
  private readonly cadence: IndexCadence;
  private offsets: number[] = [];
  private times: number[] = [];
  private lastTime: { timestamp: number; offset: number } | undefined;
  private readonly aborted: AbortedTxn[] = [];

  constructor(
    private readonly dir: string,
    private readonly baseOffset: number,
    indexIntervalBytes: number,
  ) {
    this.cadence = new IndexCadence(indexIntervalBytes);
  }

  /** A batch written to the cleaned .log at `placement.position`. */
  onBatch(placement: BatchPlacement): void {
    if (!this.cadence.onBatch(placement)) return;
    this.offsets.push(placement.lastOffset - this.baseOffset, placement.position);
    const { maxTimestampSoFar, offsetOfMaxTimestampSoFar } = this.cadence;
    if (this.lastTime === undefined || (maxTimestampSoFar > this.lastTime.timestamp && offsetOfMaxTimestampSoFar > this.lastTime.offset)) {
      this.lastTime = { timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar };
      this.times.push(maxTimestampSoFar, offsetOfMaxTimestampSoFar - this.baseOffset);
    }
  }

  /** An aborted transaction whose marker the cleaned segment keeps while batches of it remain. */
  addAborted(entry: AbortedTxn): void {
    this.aborted.push(entry);
  }

  /** Writes and syncs the *.cleaned index files off the event loop. */
  async write(): Promise<void> {
    const offsetBytes = Buffer.allocUnsafe((this.offsets.length / 2) * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.offsets.length; i += 2) {
      offsetBytes.writeInt32BE(this.offsets[i]!, (i / 2) * OFFSET_INDEX_ENTRY_SIZE);
      offsetBytes.writeInt32BE(this.offsets[i + 1]!, (i / 2) * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    const timeBytes = Buffer.allocUnsafe((this.times.length / 2) * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.times.length; i += 2) {
      writeInt64(timeBytes, (i / 2) * TIME_INDEX_ENTRY_SIZE, this.times[i]!);
      timeBytes.writeInt32BE(this.times[i + 1]!, (i / 2) * TIME_INDEX_ENTRY_SIZE + 8);
    }
    this.offsets = [];
    this.times = [];
    await writeSynced(this.cleanedPath('.index'), offsetBytes);
    await writeSynced(this.cleanedPath('.timeindex'), timeBytes);
    if (this.aborted.length > 0) {
      const txnBytes = Buffer.allocUnsafe(this.aborted.length * TXN_INDEX_ENTRY_SIZE);
      this.aborted.forEach((entry, i) => encodeTxnEntry(entry).copy(txnBytes, i * TXN_INDEX_ENTRY_SIZE));
      await writeSynced(this.cleanedPath('.txnindex'), txnBytes);
    }
  }

  /** Renames the written files into place (the swap: the old segment's files are gone by now). */
  install(): void {
    fs.renameSync(this.cleanedPath('.index'), this.finalPath('.index'));
    fs.renameSync(this.cleanedPath('.timeindex'), this.finalPath('.timeindex'));
    if (this.aborted.length > 0) fs.renameSync(this.cleanedPath('.txnindex'), this.finalPath('.txnindex'));
  }

  /** Removes whatever was written (a clean that gave up). */
  discard(): void {
    for (const suffix of ['.index', '.timeindex', '.txnindex'] as const) fs.rmSync(this.cleanedPath(suffix), { force: true });
  }

  private finalPath(suffix: '.index' | '.timeindex' | '.txnindex'): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  private cleanedPath(suffix: '.index' | '.timeindex' | '.txnindex'): string {
    return this.finalPath(suffix) + CLEANED_SUFFIX;
  }
}

async function writeSynced(file: string, bytes: Buffer): Promise<void> {
  const handle = await fs.promises.open(file, 'w', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
