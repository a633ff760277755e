/**
 * One clean of one partition (Kafka's Cleaner.doClean): build the offset map of the dirty
 * records (key -> its last offset), then rewrite the cleanable segments group by group, keeping
 * a record unless
 *   - a later record with the same key is in the map (superseded),
 *   - it has no key (Kafka drops those from compacted logs),
 *   - it is a tombstone that an earlier clean already kept, in a segment cleaned more than
 *     delete.retention.ms ago (the segment's mtime: clean-plan.ts),
 *   - it belongs to an aborted transaction (the .txnindex entries name them).
 * Transaction markers stay until their transaction's data is gone, then go after a delete
 * horizon (txn-cleaning.ts). Offsets never change. A group's last batch is always written,
 * emptied of records if none is kept, so the cleaned segment ends at the same offset as the old
 * ones (the swap relies on it: swap.ts). Each group is swapped in as soon as it is written.
 *
 * The work runs in slices of a few milliseconds on the event loop, yielding between them, so
 * produce and fetch requests are served while a clean runs (a worker thread would need the
 * segments' mappings and the log's state shared across threads; slices need nothing shared).
 * Everything that waits on the disk runs on the thread pool: the cleaned file's writes and
 * fdatasync, its index files (built while the batches are written: cleaned-indexes.ts), the
 * directory sync and the unlinking of the old files after the swap. The swap itself is one
 * synchronous step of renames, plus opening the new segment (which walks only the batches after
 * its last index entry). A profile under load showed what stalled the loop before: 1 MiB
 * writeSync calls held by the kernel (74 ms), the commit point's directory fsync and the end
 * checkpoint's fsyncs, and the new segment's index rebuilt by a scan of the whole file.
 * A clean gives up, leaving the log as it was, when the log is closed or a segment it was
 * cleaning was deleted meanwhile (retention), or when writing fails (disk full): the .cleaned
 * files are removed and the next round starts over.
 */
import fs from 'node:fs';
import type { ScannedBatch } from '../batch-scan.js';
import type { PartitionLog } from '../log.js';
import { readInt64 } from '../batch-header.js';
import { Segment } from '../segment.js';
import { readMarker } from '../transactions/control-batch.js';
import { CONTROL_BIT, TRANSACTIONAL_BIT, UndecodableBatchError, deleteHorizonOf, readRecords, rebuildBatch, withDeleteHorizon, type RecordView } from './batch-filter.js';
import { CleanedIndexes } from './cleaned-indexes.js';
import { groupSegments, type CleanPlan } from './clean-plan.js';
import { cleanedPath, commitSwap, finishSwap, retireSegment, syncDirectoryAsync, unlinkRetired } from './swap.js';
import { TxnCleaning, abortedBatchTest } from './txn-cleaning.js';

const WRITE_BUFFER_BYTES = 1 << 20;

export interface CleanOptions {
  now: number;
  /** Most keys one round's offset map holds; the round ends where the map filled. */
  maxMapEntries: number;
  /** Work between two yields to the event loop. */
  sliceMs: number;
  /** False once the round must stop (the cleaner was stopped). */
  keepGoing: () => boolean;
}

export interface CleanStats {
  /** The offset map covered [firstDirty, endOffset): the next round's first dirty offset. */
  endOffset: number;
  groups: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsKept: number;
  tombstonesRemoved: number;
  abortedRemoved: number;
  /** Transaction markers given their delete horizon, and removed after it (txn-cleaning.ts). */
  markersStamped: number;
  markersRemoved: number;
  /** The longest synchronous step of the clean (ms): see off(). */
  longestStepMs: number;
  /** Batches kept whole because they could not be decoded (corrupt, or past the decompression cap). */
  undecodableBatches: number;
  /** The first of them: its offsets and why, for the log. */
  firstUndecodable: string | null;
}

export class CleanAborted extends Error {}

export class PartitionClean {
  readonly stats: CleanStats;
  private readonly map = new Map<string, number>();
  /** For the offset map: is a data batch part of an aborted transaction (its keys supersede nothing)? */
  private readonly isAborted: (batch: ScannedBatch) => boolean;
  private readonly txns: TxnCleaning;
  private sliceStart = performance.now();

  constructor(
    private readonly log: PartitionLog,
    private readonly plan: CleanPlan,
    private readonly options: CleanOptions,
  ) {
    this.stats = { endOffset: plan.firstUncleanableOffset, groups: 0, bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsKept: 0, tombstonesRemoved: 0, abortedRemoved: 0, markersStamped: 0, markersRemoved: 0, longestStepMs: 0, undecodableBatches: 0, firstUndecodable: null };
    const aborted = log.segmentList.flatMap((s) => s.txnIndex.entries);
    this.isAborted = abortedBatchTest(aborted);
    this.txns = new TxnCleaning(aborted, options.now, log.logConfig.deleteRetentionMs);
  }

  async run(): Promise<CleanStats> {
    await this.buildOffsetMap();
    const segments = this.plan.segments.filter((s) => s.baseOffset < this.stats.endOffset);
    for (const group of groupSegments(segments, this.log.logConfig.segmentBytes, this.plan.firstDirtyOffset)) {
      await this.cleanGroup(group);
      this.stats.groups++;
    }
    return this.stats;
  }

  /**
   * Awaits `work` (a yield to the event loop), closing the synchronous step that led to it:
   * stats.longestStepMs is the longest the clean held the event loop at once, what a produce or
   * fetch could wait behind it (wall time, so on a loaded machine it includes time the process
   * waited for a core). A new slice starts after it.
   */
  private async off<T>(work: Promise<T>): Promise<T> {
    this.stats.longestStepMs = Math.max(this.stats.longestStepMs, performance.now() - this.sliceStart);
    try {
      return await work;
    } finally {
      this.sliceStart = performance.now();
    }
  }

  /** Gives the event loop a turn once the slice is used up; throws CleanAborted when the round must stop. */
  private async pause(segments: readonly Segment[]): Promise<void> {
    if (performance.now() - this.sliceStart < this.options.sliceMs) return;
    await this.off(new Promise<void>((resolve) => setImmediate(resolve)));
    this.ensureCurrent(segments);
  }

  private ensureCurrent(segments: readonly Segment[]): void {
    if (!this.options.keepGoing() || this.log.isClosed) throw new CleanAborted(`clean of ${this.log.topic}-${this.log.partition} stopped`);
    const list = this.log.segmentList;
    for (const segment of segments) if (!list.includes(segment)) throw new CleanAborted(`segment ${segment.baseOffset} of ${this.log.topic}-${this.log.partition} was deleted during its clean`);
  }

  /**
   * Visits every batch of `segment` with its bytes, pausing between slices. `visit` may answer
   * 'pause' to have `between` run (awaited) before the next batch.
   */
  private async forEachBatch(
    segment: Segment,
    group: readonly Segment[],
    visit: (batch: ScannedBatch, bytes: Buffer) => void | 'stop' | 'pause',
    between?: () => Promise<void>,
  ): Promise<void> {
    let position = 0;
    for (;;) {
      let paused = false;
      let stopped = false;
      let resumeAt = -1;
      const outcome = segment.scan(position, false, (batch) => {
        if (performance.now() - this.sliceStart >= this.options.sliceMs) {
          paused = true;
          return 'stop';
        }
        const answer = visit(batch, segment.readRange(batch.position, batch.size));
        if (answer === 'stop') stopped = true;
        if (answer === 'pause') {
          paused = true;
          resumeAt = batch.position + batch.size;
        }
        return answer === undefined ? undefined : 'stop';
      });
      if (stopped || (!paused && outcome.problem === undefined)) return;
      if (!paused) throw new Error(`segment ${segment.logPath} is unreadable at ${outcome.end}: ${outcome.problem}`);
      position = resumeAt >= 0 ? resumeAt : outcome.end;
      if (between !== undefined) {
        await between();
        this.ensureCurrent(group);
      }
      await this.pause(group);
    }
  }

  private async buildOffsetMap(): Promise<void> {
    const firstDirty = this.plan.firstDirtyOffset;
    const dirty = this.plan.segments.filter((s) => s.nextOffset > firstDirty);
    for (const segment of dirty) {
      let full = false;
      await this.forEachBatch(segment, dirty, (batch, bytes) => {
        if (batch.lastOffset < firstDirty || (batch.attributes & CONTROL_BIT) !== 0 || this.isAborted(batch)) return undefined;
        if (this.map.size + batch.recordsCount > this.options.maxMapEntries && this.map.size > 0) {
          this.stats.endOffset = batch.baseOffset;
          full = true;
          return 'stop';
        }
        let records: RecordView[];
        try {
          records = readRecords(bytes);
        } catch (err) {
          if (err instanceof UndecodableBatchError) return undefined; // kept whole; its keys supersede nothing
          throw err;
        }
        for (const record of records) if (record.key !== null && record.offset >= firstDirty) this.map.set(record.key.toString('latin1'), record.offset);
        return undefined;
      });
      if (full) return;
    }
  }

  private async cleanGroup(group: Segment[]): Promise<void> {
    const dir = this.log.dir;
    const base = group[0]!.baseOffset;
    const target = cleanedPath(dir, base);
    const last = group[group.length - 1]!;
    const dirtyGroup = last.nextOffset > this.plan.firstDirtyOffset;
    const mtimes = group.map((s) => s.lastModified());
    const indexes = new CleanedIndexes(dir, base, this.log.logConfig.indexIntervalBytes);
    // Writes go to the thread pool: a write the kernel holds (dirty-page throttling, a busy
    // journal) must not hold the event loop; the slices only gather the bytes.
    const file = await this.off(fs.promises.open(target, 'w', 0o644));
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let written = 0;
    const flush = async (): Promise<void> => {
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      let done = 0;
      while (done < chunk.length) done += (await this.off(file.write(chunk, done, chunk.length - done, written + done))).bytesWritten;
      written += chunk.length;
    };
    try {
      for (let i = 0; i < group.length; i++) {
        const segment = group[i]!;
        const mtime = mtimes[i]!;
        await this.forEachBatch(segment, group, (batch, bytes) => {
          const out = this.filterBatch(batch, bytes, mtime, segment === last && batch.lastOffset === last.nextOffset - 1, indexes);
          if (out === null) return undefined;
          indexes.onBatch({ position: written + pendingBytes, size: out.length, lastOffset: batch.lastOffset, maxTimestamp: readInt64(out, 35) });
          pending.push(out);
          pendingBytes += out.length;
          return pendingBytes >= WRITE_BUFFER_BYTES ? 'pause' : undefined;
        }, async () => {
          if (pendingBytes >= WRITE_BUFFER_BYTES) await flush();
        });
      }
      if (pendingBytes > 0) await flush();
      // Syncing a segment's worth of data can take longer than any slice.
      await this.off(file.datasync());
      await this.off(file.close());
      await this.off(indexes.write());
      this.stats.bytesWritten += written;
      // Dirty tombstones were cleaned for the first time now; a group cleaned before keeps its time.
      const mtime = dirtyGroup ? this.options.now : Math.max(...mtimes);
      await this.off(fs.promises.utimes(target, mtime / 1000, mtime / 1000));
      this.ensureCurrent(group);
    } catch (err) {
      await file.close().catch(() => undefined);
      fs.rmSync(target, { force: true });
      indexes.discard();
      throw err;
    }
    const retired = this.swapIn(group, base, indexes);
    await this.off(syncDirectoryAsync(this.log.dir));
    await this.off(unlinkRetired(retired));
  }

  /** The batch to write for `batch` (itself, rebuilt, or empty when it is the group's last), or null. */
  private filterBatch(batch: ScannedBatch, bytes: Buffer, segmentMtime: number, lastOfGroup: boolean, indexes: CleanedIndexes): Buffer | null {
    this.stats.bytesRead += bytes.length;
    if ((batch.attributes & CONTROL_BIT) !== 0) return this.filterMarker(batch, bytes, lastOfGroup, indexes);
    if (this.txns.onData(batch)) {
      // Aborted: nothing of it stays, whatever its codec (an emptied batch needs no decoding).
      this.stats.abortedRemoved += batch.recordsCount;
      this.stats.recordsRead += batch.recordsCount;
      return lastOfGroup ? rebuildBatch(bytes, []) : null;
    }
    let records: RecordView[];
    try {
      records = readRecords(bytes);
    } catch (err) {
      if (!(err instanceof UndecodableBatchError)) throw err;
      this.stats.undecodableBatches++;
      this.stats.firstUndecodable ??= `offsets ${batch.baseOffset}-${batch.lastOffset}: ${err.message}`;
      return bytes;
    }
    this.stats.recordsRead += records.length;
    const kept = records.filter((record) => this.retain(record, segmentMtime));
    this.stats.recordsKept += kept.length;
    if (kept.length === records.length) return bytes;
    if (kept.length === 0 && !lastOfGroup) return null;
    return rebuildBatch(bytes, kept);
  }

  /** A control batch: kept, stamped with its delete horizon, or removed (txn-cleaning.ts). */
  private filterMarker(batch: ScannedBatch, bytes: Buffer, lastOfGroup: boolean, indexes: CleanedIndexes): Buffer | null {
    const marker = readMarker(bytes);
    const fate = this.txns.onMarker(batch, marker === null ? null : marker.commit, deleteHorizonOf(bytes));
    if (fate.action === 'keep') {
      if (fate.abortedEntry !== undefined) indexes.addAborted(fate.abortedEntry);
      return bytes;
    }
    if (fate.action === 'stamp') {
      this.stats.markersStamped++;
      return withDeleteHorizon(bytes, fate.horizon);
    }
    if (lastOfGroup) return bytes; // the group must end where it ended: removed by a later clean
    this.stats.markersRemoved++;
    return null;
  }

  private retain(record: RecordView, segmentMtime: number): boolean {
    if (record.key === null) return false;
    const latest = this.map.get(record.key.toString('latin1'));
    if (latest !== undefined && record.offset < latest) return false;
    if (record.tombstone && record.offset < this.plan.firstDirtyOffset && this.options.now - segmentMtime > this.log.logConfig.deleteRetentionMs) {
      this.stats.tombstonesRemoved++;
      return false;
    }
    return true;
  }

  /**
   * The swap (swap.ts), in one synchronous step of renames only: no read can see a half-replaced
   * log. The old segments' files are renamed away, to be unlinked off the event loop.
   */
  private swapIn(group: Segment[], base: number, indexes: CleanedIndexes): string[] {
    const log = this.log;
    const index = log.segmentList.indexOf(group[0]!);
    commitSwap(log.dir, base);
    const retired = group.flatMap((old) => retireSegment(old));
    finishSwap(log.dir, base);
    indexes.install();
    const segment = Segment.open(log.dir, base, log.logConfig.indexIntervalBytes, this.options.now, 0);
    segment.denseOffsets = false;
    if (!segment.restoreFromIndexes()) segment.rebuildIndexes();
    segment.seal();
    log.replaceSegments(index, group.length, [segment]);
    return retired;
  }
}
