/**
 * One log segment: `<base offset>.log` plus its `.index` and `.timeindex` (20-digit zero-padded
 * base offset, as Kafka names them).
 *
 * The .log file is nothing but record batches (see batch-header.ts) back to back, byte for
 * byte as produced, with base offsets assigned by the broker, increasing through the file.
 *
 * Two states:
 *  - active (the last segment of a partition): appended with fs.writeSync; read from the
 *    partition's in-memory tail (tail-cache.ts) when the offset is still there, otherwise with
 *    one positional read into a fresh Buffer covering the batches served (two when the first
 *    batch is larger than the first guess);
 *  - sealed (after a roll): the .log is mapped read-only and reads return zero-copy slices of
 *    the mapping. A sealed segment never changes again; if something outside Brooklet changes
 *    it anyway, sealed-guard.ts sees it before the mapping is touched (SIGBUS) and the damaged
 *    range answers KAFKA_STORAGE_ERROR.
 *
 * An append that fails part way (disk full) is undone: the .log is cut back to its length
 * before the append and index entries added for it are dropped, so nothing half-written is
 * ever visible and the next append starts from a clean end.
 *
 * A read finds its first batch through the offset index (binary search, then a walk of batch
 * headers from the indexed position) - or, when it continues exactly where the previous read of
 * this segment ended, starts there directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE } from './batch-header.js';
import { pickBatches } from './batch-picker.js';
import { scanBatches, type ScanOutcome, type ScannedBatch } from './batch-scan.js';
import { IndexCadence, type BatchPlacement } from './index-cadence.js';
import { StorageError } from './errors.js';
import { mapReadOnly } from './mmap.js';
import { SealedGuard } from './sealed-guard.js';
import { firstRecordAtOrAfter, type TimestampMatch } from './record-timestamps.js';
import { OffsetIndex } from './offset-index.js';
import { TailCache } from './tail-cache.js';
import { rebuildFromLog, restoreFromIndexes, type SegmentState } from './segment-state.js';
import { TimeIndex } from './time-index.js';

const INT32_MAX = 0x7fffffff;

export type { ScanOutcome, ScannedBatch } from './batch-scan.js';

export function segmentFileName(baseOffset: number, suffix: '.log' | '.index' | '.timeindex'): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** What a read took from one segment, and whether it took everything up to the segment's end. */
export interface SegmentRead {
  chunk: Buffer | null;
  reachedEnd: boolean;
  /** One past the last offset of the chunk (-1 when there is no chunk). */
  nextOffset: number;
  /** The chunk stopped at an in-memory boundary, not at maxBytes: read again from nextOffset. */
  more: boolean;
}

export class Segment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly logPath: string;
  /** Bytes in the .log file. */
  size: number;
  /** One past the last offset in this segment. */
  nextOffset: number;
  /** Time segment.ms is measured from: the first batch's max timestamp, or creation time. */
  rollingTimestamp: number;
  private cadence: IndexCadence;
  private fd: number | null;
  private mapping: Buffer | null = null;
  /** Set once sealed: checks the file before the mapping is touched. */
  private guard: SealedGuard | null = null;
  /** Where the last read ended (offset and file position), the next sequential read's start. */
  private resumeOffset = -1;
  private resumePosition = 0;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    now: number,
    private readonly tail: TailCache,
  ) {
    this.logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    this.fd = fs.openSync(this.logPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    this.size = fs.fstatSync(this.fd).size;
    this.offsetIndex = OffsetIndex.open(path.join(dir, segmentFileName(baseOffset, '.index')), baseOffset, true);
    this.timeIndex = TimeIndex.open(path.join(dir, segmentFileName(baseOffset, '.timeindex')), baseOffset, true);
    this.nextOffset = baseOffset;
    this.rollingTimestamp = now;
    this.cadence = new IndexCadence(indexIntervalBytes);
  }

  /** Opens (or creates) a segment in the writable state; recovery then establishes its state. */
  static open(dir: string, baseOffset: number, indexIntervalBytes: number, now: number, tail = new TailCache(0, 0)): Segment {
    return new Segment(dir, baseOffset, indexIntervalBytes, now, tail);
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
        const placed = { ...batch, position: start + batch.position };
        if (this.cadence.onBatch(placed)) {
          this.offsetIndex.append(placed.lastOffset, placed.position);
          this.timeIndex.maybeAppend(this.cadence.maxTimestampSoFar, this.cadence.offsetOfMaxTimestampSoFar);
        }
        this.nextOffset = placed.lastOffset + 1;
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
      this.resumeOffset = -1;
      throw err;
    }
    this.size = start + records.length;
    if (batches.length > 0) this.tail.append(records, start, batches[0]!.lastOffset - lastOffsetDeltaOf(records, batches[0]!.position));
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
    if (this.guard !== null && !this.guardIntact()) return this.readDamaged(offset, maxBytes, minOneBatch, this.guard.damage!.validEnd);
    // A consumer reading on from where its last fetch ended needs no index search or header walk.
    const from = offset === this.resumeOffset ? this.resumePosition : this.offsetIndex.lookupPosition(offset);
    if (this.mapping !== null) {
      const picked = pickBatches(this.mapping, from, this.size, offset, maxBytes, minOneBatch, this.offsetIndex, 0);
      this.rememberEnd(picked.nextOffset, picked.end);
      const chunk = picked.end > picked.start ? this.mapping.subarray(picked.start, picked.end) : null;
      return { chunk, reachedEnd: picked.end >= this.size, nextOffset: picked.nextOffset, more: false };
    }
    const cached = this.tail.chunkFor(offset);
    if (cached !== undefined) {
      const picked = pickBatches(cached.buf, Math.max(from - cached.start, 0), cached.used, offset, maxBytes, minOneBatch, this.offsetIndex, cached.start);
      if (picked.needBytes === 0) {
        this.rememberEnd(picked.nextOffset, cached.start + picked.end);
        const chunk = picked.end > picked.start ? cached.buf.subarray(picked.start, picked.end) : null;
        const reachedEnd = cached.start + picked.end >= this.size;
        return { chunk, reachedEnd, nextOffset: picked.nextOffset, more: !reachedEnd && picked.end === cached.used };
      }
    }
    return this.readByWindows(offset, from, maxBytes, minOneBatch, this.size);
  }

  /** Positional reads of [from, end): one window guessed to cover the header walk and the answer. */
  private readByWindows(offset: number, from: number, maxBytes: number, minOneBatch: boolean, end: number): SegmentRead {
    let windowStart = from;
    let windowLength = Math.min(end - from, this.indexIntervalBytes + Math.max(maxBytes, BATCH_HEADER_SIZE) + BATCH_HEADER_SIZE);
    for (;;) {
      if (windowLength <= 0) return { chunk: null, reachedEnd: true, nextOffset: -1, more: false };
      const window = this.readRange(windowStart, windowLength);
      const picked = pickBatches(window, 0, window.length, offset, maxBytes, minOneBatch, this.offsetIndex, windowStart);
      if (picked.needBytes === 0 || windowStart + window.length >= end) {
        this.rememberEnd(picked.nextOffset, windowStart + picked.end);
        const chunk = picked.end > picked.start ? window.subarray(picked.start, picked.end) : null;
        return { chunk, reachedEnd: windowStart + picked.end >= end, nextOffset: picked.nextOffset, more: false };
      }
      windowStart += picked.start;
      windowLength = Math.min(end - windowStart, Math.max(picked.needBytes, maxBytes + BATCH_HEADER_SIZE));
    }
  }

  /** False once the sealed file was seen changed (then the mapping is gone for good). */
  private guardIntact(): boolean {
    if (this.guard!.intact(this.baseOffset, (start, length) => this.readRange(start, length))) return true;
    this.mapping = null;
    this.resumeOffset = -1;
    return false;
  }

  /**
   * A damaged sealed segment serves the batches before `validEnd` with positional reads; an
   * offset past it is KAFKA_STORAGE_ERROR, never a silent skip to the next segment.
   */
  private readDamaged(offset: number, maxBytes: number, minOneBatch: boolean, validEnd: number): SegmentRead {
    const from = Math.min(this.offsetIndex.lookupPosition(offset), validEnd);
    const read = from < validEnd ? this.readByWindows(offset, from, maxBytes, minOneBatch, validEnd) : null;
    if (validEnd === this.size && read !== null) return read;
    if (read === null || (read.chunk === null && read.reachedEnd)) {
      throw new StorageError('STORAGE_ERROR', `offset ${offset} is in the damaged part of ${this.logPath} (${this.guard!.damage!.reason})`);
    }
    return { ...read, reachedEnd: false };
  }

  private rememberEnd(nextOffset: number, position: number): void {
    if (nextOffset < 0) return;
    this.resumeOffset = nextOffset;
    this.resumePosition = position;
  }

  /**
   * Visits every batch from `from`, checking structure (length, magic, bounds, increasing
   * offsets) and, when asked, the CRC. Stops at the first problem.
   */
  scan(from: number, checkCrc: boolean, visit: (batch: ScannedBatch) => void | 'stop'): ScanOutcome {
    const size = this.guard?.damage?.validEnd ?? this.size;
    return scanBatches({ baseOffset: this.baseOffset, size, readRange: (s, l) => this.readRange(s, l) }, from, checkCrc, visit);
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
    this.tail.clear();
    this.resumeOffset = -1;
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
    if (state.firstMaxTimestamp > 0) this.rollingTimestamp = state.firstMaxTimestamp;
  }

  /** Makes the segment read-only: final time index entry, indexes closed, .log mapped. */
  seal(): void {
    if (this.fd === null) return;
    if (this.cadence.maxTimestampSoFar >= 0) {
      this.timeIndex.maybeAppend(this.cadence.maxTimestampSoFar, this.cadence.offsetOfMaxTimestampSoFar);
    }
    this.offsetIndex.close();
    this.timeIndex.close();
    this.tail.clear();
    if (this.size > 0) this.mapping = mapReadOnly(this.fd, this.size);
    // The descriptor stays open: the guard fstat's it, and damaged reads use it.
    this.guard = new SealedGuard(this.fd, this.size);
    this.fd = null;
  }

  flush(): void {
    if (this.fd === null) return;
    fs.fdatasyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Closes files; a mapping stays valid until the last slice of it is collected. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.guard?.close();
    this.guard = null;
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /** Bytes [start, start+length) of the .log: a slice of the mapping or a fresh read. */
  readRange(start: number, length: number): Buffer {
    if (this.mapping !== null && (this.guard === null || this.guardIntact())) return this.mapping.subarray(start, start + length);
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

function lastOffsetDeltaOf(records: Buffer, at: number): number {
  return records.readInt32BE(at + 23);
}
