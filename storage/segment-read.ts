/**
 * The read path of one segment: which bytes answer a read, from wherever they are.
 *
 * A read finds its first batch through the offset index (binary search, then a walk of batch
 * headers from the indexed position) - or, when it continues exactly where the previous read of
 * this segment ended, starts there directly (the cursor below remembers that end). The bytes
 * then come from one of two places, chosen by the segment (segment.ts):
 *  - a read-only mapping (a sealed segment's, or the active segment's, read below its size):
 *    zero-copy slices;
 *  - positional reads of the file into fresh Buffers ("windows"): one guessed to cover the
 *    header walk and the answer, a second when the first batch is larger than the guess.
 * A sealed segment found damaged serves the intact prefix by windows and fails past it.
 */
import { BATCH_HEADER_SIZE } from './batch-header.js';
import { pickBatches } from './batch-picker.js';
import { StorageError } from './errors.js';
import type { OffsetIndex } from './offset-index.js';
import type { Damage } from './sealed-guard.js';

/** What a read took from one segment, and whether it took everything up to the segment's end. */
export interface SegmentRead {
  chunk: Buffer | null;
  reachedEnd: boolean;
  /** One past the last offset of the chunk (-1 when there is no chunk). */
  nextOffset: number;
}

/** What the read path needs of a segment's files (Segment has all of it). */
export interface ReadableSegment {
  readonly logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly indexIntervalBytes: number;
  /** Bytes [start, start+length) of the .log. */
  readRange(start: number, length: number): Buffer;
}

/** Reads of one segment, and where the last one ended (the next sequential read's start). */
export class SegmentReader {
  private resumeOffset = -1;
  private resumePosition = 0;

  constructor(private readonly segment: ReadableSegment) {}

  /** The remembered end no longer describes the file (it was cut, undone or found damaged). */
  forget(): void {
    this.resumeOffset = -1;
  }

  /** File position to start looking for `offset` from. */
  startFor(offset: number): number {
    // A consumer reading on from where its last fetch ended needs no index search or header walk.
    return offset === this.resumeOffset ? this.resumePosition : this.segment.offsetIndex.lookupPosition(offset);
  }

  /** A sealed segment's read: slices of its mapping of `size` bytes. */
  fromMapping(mapping: Buffer, size: number, offset: number, from: number, maxBytes: number, minOneBatch: boolean): SegmentRead {
    const picked = pickBatches(mapping, from, size, offset, maxBytes, minOneBatch, this.segment.offsetIndex, 0);
    this.rememberEnd(picked.nextOffset, picked.end);
    const chunk = picked.end > picked.start ? mapping.subarray(picked.start, picked.end) : null;
    return { chunk, reachedEnd: picked.end >= size, nextOffset: picked.nextOffset };
  }

  /** Positional reads of [from, end): one window guessed to cover the header walk and the answer. */
  byWindows(offset: number, from: number, maxBytes: number, minOneBatch: boolean, end: number): SegmentRead {
    let windowStart = from;
    let windowLength = Math.min(end - from, this.segment.indexIntervalBytes + Math.max(maxBytes, BATCH_HEADER_SIZE) + BATCH_HEADER_SIZE);
    for (;;) {
      if (windowLength <= 0) return { chunk: null, reachedEnd: true, nextOffset: -1 };
      const window = this.segment.readRange(windowStart, windowLength);
      if (window.length < windowLength) {
        // Only something outside Brooklet cuts a file below what was written; asking again
        // would never get the bytes.
        throw new StorageError('STORAGE_ERROR', `${this.segment.logPath} ends at ${windowStart + window.length}, before the ${end} bytes written`);
      }
      const picked = pickBatches(window, 0, window.length, offset, maxBytes, minOneBatch, this.segment.offsetIndex, windowStart);
      if (picked.needBytes === 0 || windowStart + window.length >= end) {
        this.rememberEnd(picked.nextOffset, windowStart + picked.end);
        const chunk = picked.end > picked.start ? window.subarray(picked.start, picked.end) : null;
        return { chunk, reachedEnd: windowStart + picked.end >= end, nextOffset: picked.nextOffset };
      }
      windowStart += picked.start;
      windowLength = Math.min(end - windowStart, Math.max(picked.needBytes, maxBytes + BATCH_HEADER_SIZE));
    }
  }

  /**
   * A damaged sealed segment of `size` bytes serves the batches before `damage.validEnd` with
   * positional reads; an offset past it is KAFKA_STORAGE_ERROR, never a silent skip to the next
   * segment.
   */
  damaged(damage: Damage, size: number, offset: number, maxBytes: number, minOneBatch: boolean): SegmentRead {
    const validEnd = damage.validEnd;
    const from = Math.min(this.segment.offsetIndex.lookupPosition(offset), validEnd);
    const read = from < validEnd ? this.byWindows(offset, from, maxBytes, minOneBatch, validEnd) : null;
    if (validEnd === size && read !== null) return read;
    if (read === null || (read.chunk === null && read.reachedEnd)) {
      throw new StorageError('STORAGE_ERROR', `offset ${offset} is in the damaged part of ${this.segment.logPath} (${damage.reason})`);
    }
    return { ...read, reachedEnd: false };
  }

  private rememberEnd(nextOffset: number, position: number): void {
    if (nextOffset < 0) return;
    this.resumeOffset = nextOffset;
    this.resumePosition = position;
  }
}
