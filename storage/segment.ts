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
 *    the mapping. A sealed segment never changes again, so its mapping never shrinks under a
 *    reader (that would be SIGBUS).
 *
 * A read finds its first batch through the offset index (binary search, then a walk of batch
 * headers from the indexed position) - or, when it continues exactly where the previous read of
 * this segment ended, starts there directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, readInt64 } from './batch-header.js';
import { pickBatches } from './batch-picker.js';
import { scanBatches, type ScanOutcome, type ScannedBatch } from './batch-scan.js';
import { IndexCadence, type BatchPlacement } from './index-cadence.js';
import { mapReadOnly } from './mmap.js';
import { firstRecordAtOrAfter, type TimestampMatch } from './record-timestamps.js';
import { OffsetIndex, type OffsetPosition } from './offset-index.js';
import { TailCache } from './tail-cache.js';
import { TimeIndex, type TimestampOffset } from './time-index.js';

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
    // Active: guess one window that covers the scan from the index entry plus the answer.
    let windowStart = from;
    let windowLength = Math.min(this.size - from, this.indexIntervalBytes + Math.max(maxBytes, BATCH_HEADER_SIZE) + BATCH_HEADER_SIZE);
    for (;;) {
      if (windowLength <= 0) return { chunk: null, reachedEnd: true, nextOffset: -1, more: false };
      const window = this.readRange(windowStart, windowLength);
      const picked = pickBatches(window, 0, window.length, offset, maxBytes, minOneBatch, this.offsetIndex, windowStart);
      if (picked.needBytes === 0 || windowStart + window.length >= this.size) {
        this.rememberEnd(picked.nextOffset, windowStart + picked.end);
        const chunk = picked.end > picked.start ? window.subarray(picked.start, picked.end) : null;
        return { chunk, reachedEnd: windowStart + picked.end >= this.size, nextOffset: picked.nextOffset, more: false };
      }
      windowStart += picked.start;
      windowLength = Math.min(this.size - windowStart, Math.max(picked.needBytes, maxBytes + BATCH_HEADER_SIZE));
    }
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
    return scanBatches(this, from, checkCrc, visit);
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
    const offsets: OffsetPosition[] = [];
    const times: TimestampOffset[] = [];
    const cadence = new IndexCadence(this.indexIntervalBytes);
    let nextOffset = this.baseOffset;
    let first: number | undefined;
    this.scan(0, false, (batch) => {
      first ??= batch.maxTimestamp;
      if (cadence.onBatch(batch)) {
        offsets.push({ offset: batch.lastOffset, position: batch.position });
        const last = times[times.length - 1];
        if (last === undefined || (cadence.maxTimestampSoFar > last.timestamp && cadence.offsetOfMaxTimestampSoFar > last.offset)) {
          times.push({ timestamp: cadence.maxTimestampSoFar, offset: cadence.offsetOfMaxTimestampSoFar });
        }
      }
      nextOffset = batch.lastOffset + 1;
    });
    this.offsetIndex.replaceAll(offsets);
    this.timeIndex.replaceAll(times);
    this.cadence = cadence;
    this.nextOffset = nextOffset;
    if (first !== undefined && first > 0) this.rollingTimestamp = first;
  }

  /**
   * Restores state from trusted indexes by walking only the batches after the last offset
   * index entry. False when that walk meets a bad batch or finds a batch that should have been
   * indexed (an index that lost entries): the caller then rebuilds.
   */
  restoreFromIndexes(): boolean {
    const lastEntry = this.offsetIndex.lastEntry();
    const lastTime = this.timeIndex.lastEntry();
    if (lastEntry !== undefined && lastTime === undefined) return false;
    const cadence = new IndexCadence(this.indexIntervalBytes);
    if (lastTime !== undefined) {
      cadence.maxTimestampSoFar = lastTime.timestamp;
      cadence.offsetOfMaxTimestampSoFar = lastTime.offset;
    }
    let nextOffset = lastEntry?.offset ?? this.baseOffset;
    let missedEntry = false;
    const outcome = this.scan(lastEntry?.position ?? 0, false, (batch) => {
      if (cadence.onBatch(batch)) missedEntry = true;
      nextOffset = batch.lastOffset + 1;
    });
    if (outcome.problem !== undefined || missedEntry) return false;
    if (lastTime !== undefined && lastTime.offset >= nextOffset) return false;
    this.cadence = cadence;
    this.nextOffset = nextOffset;
    if (this.size >= BATCH_HEADER_SIZE) {
      const firstMax = readInt64(this.readRange(0, BATCH_HEADER_SIZE), 35);
      if (firstMax > 0) this.rollingTimestamp = firstMax;
    }
    return true;
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
    fs.closeSync(this.fd);
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
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /** Bytes [start, start+length) of the .log: a slice of the mapping or a fresh read. */
  readRange(start: number, length: number): Buffer {
    if (this.mapping !== null) return this.mapping.subarray(start, start + length);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd!, out, done, length - done, start + done);
      if (n === 0) return out.subarray(0, done);
      done += n;
    }
    return out;
  }
}

function lastOffsetDeltaOf(records: Buffer, at: number): number {
  return records.readInt32BE(at + 23);
}
