/**
 * A read across a partition's segments: the segment holding the offset is found by base offset
 * (binary search over the ordered list), then whole batches are taken from it and, while the
 * read has room and reached a segment's end, from the segments after it.
 *
 * Each segment answers with one slice; a read spanning segments returns one chunk per segment,
 * so nothing is copied to join them. The lookup by timestamp (ListOffsets) walks the segments
 * the same way, oldest first.
 */
import { readInt64 } from './batch-header.js';
import type { Segment } from './segment.js';

export interface ReadResult {
  /** Whole batches: slices of a segment's mapping, or fresh buffers when it is read by positional reads. */
  chunks: Buffer[];
  bytes: number;
  /** The offset was outside [logStartOffset, logEndOffset] (OFFSET_OUT_OF_RANGE). */
  outOfRange: boolean;
  /** Where the next read continues: one past the last offset returned (the offset asked when nothing was). */
  nextOffset: number;
}

/** Reads from `offset`, already checked to lie within the log, up to `maxBytes`. */
export function readSegments(segments: readonly Segment[], offset: number, maxBytes: number, minOneBatch: boolean): ReadResult {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let nextOffset = offset;
  for (let i = segmentIndexFor(segments, offset); i < segments.length; i++) {
    const segment = segments[i]!;
    const taken = segment.read(Math.max(nextOffset, segment.baseOffset), maxBytes - bytes, minOneBatch && chunks.length === 0);
    if (taken.chunk !== null) {
      chunks.push(taken.chunk);
      bytes += taken.chunk.length;
      nextOffset = taken.nextOffset;
    }
    if (!taken.reachedEnd || bytes >= maxBytes) break;
  }
  return { chunks, bytes, outOfRange: false, nextOffset };
}

/** The first record with timestamp >= ts, from the oldest segment on; null when every record is older. */
export function findOffsetByTimestamp(segments: readonly Segment[], ts: number): { offset: number; timestamp: number } | null {
  for (const segment of segments) {
    const found = segment.findOffsetByTimestamp(ts);
    if (found !== null) return found;
  }
  return null;
}

/** Greatest segment whose base offset is <= offset (binary search). */
export function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (segments[mid]!.baseOffset <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * `result` without its batches at or past `maxOffset` (a read_committed read stops at the last
 * stable offset, which is always a batch boundary): shorter slices of the same chunks.
 */
export function cutAtOffset(result: ReadResult, maxOffset: number): ReadResult {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (const chunk of result.chunks) {
    let at = 0;
    while (at < chunk.length && readInt64(chunk, at) < maxOffset) at += 12 + chunk.readInt32BE(at + 8);
    if (at > 0) {
      chunks.push(at === chunk.length ? chunk : chunk.subarray(0, at));
      bytes += at;
    }
    if (at < chunk.length) break;
  }
  return { chunks, bytes, outOfRange: false, nextOffset: Math.min(result.nextOffset, maxOffset) };
}
