/**
 * Walking the batches of a segment's .log from a position: the structural checks recovery
 * relies on (a sane length, magic 2, the whole batch present, offsets that increase and fit the
 * indexes' int32 relative offsets) and, when asked, the CRC-32C. Reads go through the
 * segment's readRange in windows of 1 MiB, so a scan never loads a whole segment.
 */
import { BATCH_HEADER_SIZE, CURRENT_MAGIC, MIN_BATCH_LENGTH, readBatchHeader, verifyBatchCrc, type BatchHeader } from './batch-header.js';

const SCAN_WINDOW_BYTES = 1 << 20;
const INT32_MAX = 0x7fffffff;

/** A batch seen while scanning a .log: its header and where it sits. */
export interface ScannedBatch extends BatchHeader {
  position: number;
  size: number;
  lastOffset: number;
}

export interface ScanOutcome {
  /** Position after the last good batch. */
  end: number;
  /** Why the scan stopped before the end of the file, if it did. */
  problem?: string;
}

export interface ScanSource {
  readonly baseOffset: number;
  readonly size: number;
  /**
   * False for a segment the cleaner may have written (every sealed segment at open): its offsets
   * only increase, with gaps where records were compacted away. Default true: dense.
   */
  readonly dense?: boolean;
  readRange(start: number, length: number): Buffer;
}

/** Visits batches from `from` until the end or the first problem; `visit` may answer 'stop'. */
export function scanBatches(source: ScanSource, from: number, checkCrc: boolean, visit: (batch: ScannedBatch) => void | 'stop'): ScanOutcome {
  let window: Buffer = Buffer.alloc(0);
  let windowStart = from;
  const cover = (start: number, length: number): number => {
    if (start < windowStart || start + length > windowStart + window.length) {
      window = source.readRange(start, Math.min(source.size - start, Math.max(length, SCAN_WINDOW_BYTES)));
      windowStart = start;
    }
    return start - windowStart;
  };
  let position = from;
  // Offsets written by appends are dense: from the start of a segment each batch must begin
  // exactly where the previous one ended, so a flipped bit in a base offset (which the CRC does
  // not cover) is caught. A walk starting mid-file learns the offset from its first batch. A
  // segment the cleaner may have written (dense: false) only needs increasing offsets; the
  // active segment, the only one a torn write can hit, is never cleaned and stays dense.
  let expectedBaseOffset = from === 0 ? source.baseOffset : -1;
  while (position < source.size) {
    if (source.size - position < BATCH_HEADER_SIZE) return { end: position, problem: 'short batch header' };
    let at = cover(position, BATCH_HEADER_SIZE);
    const header = readBatchHeader(window, at);
    if (header.batchLength < MIN_BATCH_LENGTH) return { end: position, problem: 'bad batch length' };
    const size = 12 + header.batchLength;
    if (position + size > source.size) return { end: position, problem: 'short batch' };
    if (header.magic !== CURRENT_MAGIC) return { end: position, problem: 'bad magic' };
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    if (header.baseOffset < Math.max(expectedBaseOffset, source.baseOffset) || header.lastOffsetDelta < 0 || lastOffset - source.baseOffset > INT32_MAX) {
      return { end: position, problem: 'offsets not increasing' };
    }
    if (expectedBaseOffset >= 0 && source.dense !== false && header.baseOffset !== expectedBaseOffset) return { end: position, problem: 'offset gap' };
    if (checkCrc) {
      at = cover(position, size);
      if (!verifyBatchCrc(window, at)) return { end: position, problem: 'bad crc' };
    }
    const batch = header as ScannedBatch; // extended in place: no copy per batch on a scan of a whole log
    batch.position = position;
    batch.size = size;
    batch.lastOffset = lastOffset;
    if (visit(batch) === 'stop') return { end: position };
    expectedBaseOffset = lastOffset + 1;
    position += size;
  }
  return { end: position };
}
