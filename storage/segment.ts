/**
 * One log segment: `<base offset>.log` plus its `.index` and `.timeindex` (20-digit zero-padded
 * base offset, as Kafka names them).
 *
 * The .log file is nothing but record batches (see batch-header.ts) back to back, byte for
 * byte as produced, with base offsets assigned by the broker, increasing through the file.
 *
 * Two states:
 *  - active (the last segment of a partition): appended with fs.writeSync; read as slices of
 *    a read-only mapping of the growing file (segment.bytes long, read only below `size`; the
 *    page cache is shared, so appended bytes show through it); with positional reads into fresh
 *    Buffers when the file has outgrown the mapping or was cut under it;
 *  - sealed (after a roll): the .log is mapped read-only and reads return zero-copy slices of
 *    the mapping. A sealed segment never changes again; if something outside Brooklet shrinks
 *    or overwrites it anyway, a fault on the mapping is repaired with zeros instead of killing
 *    the process (mmap.ts), sealed-guard.ts notices, and the damaged range answers
 *    KAFKA_STORAGE_ERROR.
 *
 * An append that fails part way (disk full) is undone: the .log is cut back to its length
 * before the append and index entries added for it are dropped, so nothing half-written is
 * ever visible and the next append starts from a clean end.
 *
 * Which bytes answer a read, and from where, is segment-read.ts; this file keeps the state
 * (whether a mapping or the file holds the bytes, and whether the sealed file is intact).
 */
import fs from 'node:fs';
import path from 'node:path';
import { scanBatches, type ScanOutcome, type ScannedBatch } from './batch-scan.js';
import { IndexCadence, type BatchPlacement } from './index-cadence.js';
import { StorageError } from './errors.js';
import { mapGrowing, mapReadOnly, mappingFaults, type ReadOnlyMapping } from './mmap.js';
import { SealedGuard } from './sealed-guard.js';
import { firstRecordAtOrAfter, type TimestampMatch } from './record-timestamps.js';
import { OffsetIndex } from './offset-index.js';
import { SegmentReader, type SegmentRead } from './segment-read.js';
import { rebuildFromLog, restoreFromIndexes, type SegmentState } from './segment-state.js';
import { TimeIndex } from './time-index.js';
import { TxnIndex } from './transactions/txn-index.js';

const INT32_MAX = 0x7fffffff;

export type { ScanOutcome, ScannedBatch } from './batch-scan.js';
export type { SegmentRead } from './segment-read.js';

export function segmentFileName(baseOffset: number, suffix: '.log' | '.index' | '.timeindex' | '.txnindex'): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

export class Segment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  /** Aborted transactions whose marker is in this segment (transactions/txn-index.ts). */
  readonly txnIndex: TxnIndex;
  readonly logPath: string;
  /** Bytes in the .log file. */
  size: number;
  /** One past the last offset in this segment. */
  nextOffset: number;
  /** Time segment.ms is measured from: the first batch's max timestamp, or creation time. */
  rollingTimestamp: number;
  /** True once rollingTimestamp is a record's timestamp (not the creation time). */
  private rollingFromRecords = false;
  /** False when the cleaner may have left gaps between offsets (batch-scan.ts): set for sealed segments at open. */
  denseOffsets = true;
  private cadence: IndexCadence;
  private fd: number | null;
  private mapping: ReadOnlyMapping | null = null;
  /**
   * The active segment's mapping, made at its first read:
   * `activeMapBytes` long (segment.bytes), past the end of the file, read only below `size`.
   * False once it proved unusable (the file shrank under it): positional reads from then on.
   */
  private activeMapping: ReadOnlyMapping | null | false = null;
  /** Set once sealed: checks the file before the mapping is touched. */
  private guard: SealedGuard | null = null;
  /** Reads, and where the last one ended (the next sequential read's start). */
  private readonly reader = new SegmentReader(this);

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    now: number,
    private readonly activeMapBytes: number,
  ) {
    this.logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    this.fd = fs.openSync(this.logPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    this.size = fs.fstatSync(this.fd).size;
    this.offsetIndex = OffsetIndex.open(path.join(dir, segmentFileName(baseOffset, '.index')), baseOffset, true);
    this.timeIndex = TimeIndex.open(path.join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset, true);
    this.txnIndex = TxnIndex.open(path.join(dir, segmentFileName(baseOffset, '.txnindex')));
    this.nextOffset = baseOffset;
    this.rollingTimestamp = now;
    this.cadence = new IndexCadence(indexIntervalBytes);
  }

  /**
   * Opens (or creates) a segment in the writable state; recovery then establishes its state.
   * `activeMapBytes` (segment.bytes) sizes the mapping that serves its reads while active; 0 reads
   * the active file with positional reads only.
   */
  static open(dir: string, baseOffset: number, indexIntervalBytes: number, now: number, activeMapBytes = 0): Segment {
    return new Segment(dir, baseOffset, indexIntervalBytes, now, activeMapBytes);
  }

  get sealed(): boolean {
    return this.fd === null;
  }

  get maxTimestampSoFar(): number {
    return this.cadence.maxTimestampSoFar;
  }

  get offsetOfMaxTimestampSoFar(): number {
    return this.cadence.offsetOfMaxTimestampSoFar;
  }

  /** The .log's modification time (retention's age of a segment without timestamps). */
  lastModified(): number {
    try {
      return fs.statSync(this.logPath).mtimeMs;
    } catch {
      return Date.now();
    }
  }

  /** True when the mapped file is this segment's .log (tests check /proc/self/maps). */
  get isMapped(): boolean {
    return this.mapping !== null;
  }

  /** Appends whole batches whose offsets are already assigned. */
  append(records: Buffer, batches: BatchPlacement[]): void {
    if (this.fd === null) throw new Error(`segment ${this.logPath} is sealed`);
    const start = this.size;
    const before = { cadence: this.cadence.copy(), nextOffset: this.nextOffset, index: this.offsetIndex.entries, times: this.timeIndex.entries };
    try {
      let written = 0;
      while (written < records.length) {
        written += fs.writeSync(this.fd, records, written, records.length - written, start + written);
      }
      for (const batch of batches) {
        if (this.cadence.onBatch(batch)) {
          this.offsetIndex.append(batch.lastOffset, start + batch.position);
          this.timeIndex.maybeAppend(this.cadence.maxTimestampSoFar, this.cadence.offsetOfMaxTimestampSoFar);
        }
        this.nextOffset = batch.lastOffset + 1;
      }
    } catch (err) {
      // Undo: cutting the file also gives back the space a short write took.
      try {
        fs.ftruncateSync(this.fd, start);
        this.offsetIndex.truncateEntries(before.index);
        this.timeIndex.truncateEntries(before.times);
      } catch {
        // the length and counts below still keep readers inside what was written before
      }
      this.cadence = before.cadence;
      this.nextOffset = before.nextOffset;
      this.reader.forget();
      throw err;
    }
    this.size = start + records.length;
    if (start === 0 && batches.length > 0 && batches[0]!.maxTimestamp >= 0) {
      this.rollingTimestamp = batches[0]!.maxTimestamp;
      this.rollingFromRecords = true;
    }
  }

  /**
   * How long this segment has been open for segment.ms, as Kafka's LogSegment measures it: the
   * incoming batch's max timestamp minus the first batch's, or wall time since creation when the
   * segment has no record timestamp yet. (So records stamped days apart roll a segment at once.)
   */
  timeWaitedForRoll(now: number, incomingMaxTimestamp: number): number {
    return this.rollingFromRecords ? incomingMaxTimestamp - this.rollingTimestamp : now - this.rollingTimestamp;
  }

  /** Relative offsets are int32 in the indexes: the segment must roll before they overflow. */
  canHoldOffset(lastOffset: number): boolean {
    return lastOffset - this.baseOffset <= INT32_MAX;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch when
   * `minOneBatch`, even an oversized one: KIP-74). The chunk is null when nothing fits.
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean): SegmentRead {
    if (this.guard !== null && !this.guardIntact()) return this.reader.damaged(this.guard.damage!, this.size, offset, maxBytes, minOneBatch);
    const from = this.reader.startFor(offset);
    if (this.mapping !== null) {
      const read = this.reader.fromMapping(this.mapping.bytes, this.size, offset, from, maxBytes, minOneBatch);
      // A page repaired with zeros during this read (anywhere in the process) makes the guard
      // check the file now; if it was this one, the read is discarded.
      if (this.guard!.noFaultsSinceCheck() || this.guardIntact()) return read;
      return this.reader.damaged(this.guard!.damage!, this.size, offset, maxBytes, minOneBatch);
    }
    return this.readActive(offset, from, maxBytes, minOneBatch);
  }

  /**
   * An active segment's read: slices of the active mapping, like a sealed read,
   * instead of a positional read into a fresh buffer (whose page faults cost more than the copy).
   * Falls back to positional reads when the file has outgrown the mapping or shrank under it.
   */
  private readActive(offset: number, from: number, maxBytes: number, minOneBatch: boolean): SegmentRead {
    const mapping = this.activeMapping === null ? this.mapActive() : this.activeMapping;
    if (mapping === false || this.size > mapping.bytes.length) return this.reader.byWindows(offset, from, maxBytes, minOneBatch, this.size);
    const faults = mappingFaults();
    const read = this.reader.fromMapping(mapping.bytes, this.size, offset, from, maxBytes, minOneBatch);
    if (mappingFaults() === faults || fs.fstatSync(this.fd!).size >= this.size) return read;
    // Something outside Brooklet cut the file below what was written: the pages it took read as
    // zeros now (mmap.ts), so this read is discarded and the mapping never used again.
    mapping.release();
    this.activeMapping = false;
    this.reader.forget();
    return this.reader.byWindows(offset, this.reader.startFor(offset), maxBytes, minOneBatch, this.size);
  }

  private mapActive(): ReadOnlyMapping | false {
    if (this.activeMapBytes <= 0 || this.size === 0 || this.fd === null) return false;
    this.activeMapping = mapGrowing(this.fd, Math.max(this.activeMapBytes, this.size));
    return this.activeMapping;
  }

  private releaseActiveMapping(): void {
    if (this.activeMapping) this.activeMapping.release();
    this.activeMapping = null;
  }

  /** False once the sealed file was seen changed (then the mapping is gone for good). */
  private guardIntact(): boolean {
    if (this.guard!.intact(this.baseOffset, this)) return true; // the segment itself: no closure per read
    this.mapping?.release();
    this.mapping = null;
    this.reader.forget();
    return false;
  }

  /**
   * Visits every batch from `from`, checking structure (length, magic, bounds, increasing
   * offsets) and, when asked, the CRC. Stops at the first problem.
   */
  scan(from: number, checkCrc: boolean, visit: (batch: ScannedBatch) => void | 'stop'): ScanOutcome {
    const size = this.guard?.damage?.validEnd ?? this.size;
    return scanBatches({ baseOffset: this.baseOffset, size, dense: this.denseOffsets, readRange: (s, l) => this.readRange(s, l) }, from, checkCrc, visit);
  }

  /**
   * The first record with timestamp >= target in this segment (Kafka's LogSegment
   * findOffsetByTimestamp): the time index gives a batch before which every timestamp is
   * lower, the offset index its position, then headers are walked to the first batch whose max
   * timestamp reaches the target, and that batch is searched.
   */
  findOffsetByTimestamp(target: number): TimestampMatch | null {
    if (this.cadence.maxTimestampSoFar < target) return null;
    const fromEntry = this.timeIndex.lookup(target);
    const from = this.offsetIndex.lookup(Math.max(fromEntry.offset, this.baseOffset)).position;
    let found: TimestampMatch | null = null;
    this.scan(from, false, (batch) => {
      if (batch.maxTimestamp < target) return undefined;
      found = firstRecordAtOrAfter(this.readRange(batch.position, batch.size), target);
      return found === null ? undefined : 'stop';
    });
    return found;
  }

  /** Cuts the .log at `position` (recovery only, never on a mapped segment). */
  truncateTo(position: number): void {
    if (this.fd === null) throw new Error(`cannot truncate sealed segment ${this.logPath}`);
    fs.ftruncateSync(this.fd, position);
    this.size = position;
    this.releaseActiveMapping(); // a page it held past the cut would fault, not refill
    this.reader.forget();
  }

  /** Rebuilds both indexes and the segment's state from the .log (after validation). */
  rebuildIndexes(): void {
    this.applyState(rebuildFromLog(this));
  }

  /**
   * Restores state from trusted indexes by walking only the batches after the last offset
   * index entry. False when that walk meets a bad batch or finds a batch that should have been
   * indexed (an index that lost entries): the caller then rebuilds.
   */
  restoreFromIndexes(): boolean {
    const state = restoreFromIndexes(this);
    if (state !== null) this.applyState(state);
    return state !== null;
  }

  private applyState(state: SegmentState): void {
    this.cadence = state.cadence;
    this.nextOffset = state.nextOffset;
    if (state.firstMaxTimestamp > 0) {
      this.rollingTimestamp = state.firstMaxTimestamp;
      this.rollingFromRecords = true;
    }
  }

  /** Makes the segment read-only: final time index entry, indexes closed, .log mapped. */
  seal(): void {
    if (this.fd === null) return;
    if (this.cadence.maxTimestampSoFar >= 0) {
      this.timeIndex.maybeAppend(this.cadence.maxTimestampSoFar, this.cadence.offsetOfMaxTimestampSoFar);
    }
    this.offsetIndex.close();
    this.timeIndex.close();
    this.txnIndex.close();
    this.releaseActiveMapping();
    if (this.size > 0) this.mapping = mapReadOnly(this.fd, this.size);
    // The descriptor stays open: the guard fstat's it, and damaged reads use it. A segment
    // is only mapped with a guard; reads of the mapping rely on it.
    this.guard = new SealedGuard(this.fd, this.size);
    this.fd = null;
  }

  flush(): void {
    if (this.fd === null) return;
    fs.fdatasyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.txnIndex.flush();
  }

  /** Closes files; the pages of a mapping stay valid until the last slice of it is collected. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.guard?.close();
    this.guard = null;
    this.mapping?.release();
    this.mapping = null;
    this.releaseActiveMapping();
    this.offsetIndex.close();
    this.timeIndex.close();
    this.txnIndex.close();
  }

  /** Bytes [start, start+length) of the .log: a slice of the mapping or a fresh read. */
  readRange(start: number, length: number): Buffer {
    if (this.mapping !== null && (this.guard === null || this.guardIntact())) return this.mapping.bytes.subarray(start, start + length);
    const fd = this.fd ?? this.guard?.fd;
    if (fd === undefined) throw new StorageError('STORAGE_ERROR', `segment ${this.logPath} is closed`);
    const damage = this.guard?.damage;
    if (damage) length = Math.max(0, Math.min(length, damage.validEnd - start));
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, length - done, start + done);
      if (n === 0) return out.subarray(0, done);
      done += n;
    }
    return out;
  }
}
