/**
 * Choosing the batches a read returns, over any buffer that holds whole batches: a segment's
 * mapping or a window read from its file.
 */
import { BATCH_HEADER_SIZE } from './batch-header.js';
import type { OffsetIndex } from './offset-index.js';

/** pickBatches' answer; one object reused by every call (reads are synchronous). */
export interface Picked {
  start: number;
  end: number;
  /** > 0 when the window ended inside a batch needed: bytes wanted from `start`. */
  needBytes: number;
  /** One past the last offset taken (-1 when nothing was taken). */
  nextOffset: number;
}

/**
 * Finds the batch holding `offset` by walking headers from `from`, then takes whole batches
 * while they fit in `maxBytes`. Works on a mapping or a window read from the file;
 * `bufStart` is the file position of buf[0]. The offset index also knows batch boundaries by
 * position, so a large read jumps to the last indexed boundary that fits and walks only the
 * few headers after it.
 */
export function pickBatches(
  buf: Buffer, from: number, limit: number, offset: number, maxBytes: number, minOneBatch: boolean,
  index: OffsetIndex, bufStart: number,
): Picked {
  let position = from;
  // Skip batches that end before the target offset (only their headers are looked at).
  while (position + 27 <= limit) {
    const lastOffset = int64At(buf, position) + int32At(buf, position + 23);
    if (lastOffset >= offset) break;
    position += 12 + int32At(buf, position + 8);
  }
  const start = position;
  // The window may end before the batch holding the offset: ask for more from there.
  if (position + 27 > limit) return answer(start, start, BATCH_HEADER_SIZE, -1);
  let end = start;
  if (maxBytes >= JUMP_FROM_BYTES) {
    const boundary = index.floorPosition(bufStart + start + maxBytes) - bufStart;
    if (boundary > start && boundary + 27 <= limit) end = boundary;
  }
  let lastTaken = -1;
  while (end + 12 <= limit) {
    const size = 12 + int32At(buf, end + 8);
    const taken = end - start;
    if (taken + size > maxBytes && !(taken === 0 && minOneBatch)) break;
    if (end + size > limit) return answer(start, end, taken + size, -1);
    lastTaken = end;
    end += size;
  }
  let nextOffset = -1;
  if (lastTaken >= 0) nextOffset = int64At(buf, lastTaken) + int32At(buf, lastTaken + 23) + 1;
  else if (end > start) nextOffset = int64At(buf, end); // jumped to a boundary and took nothing after it
  return answer(start, end, 0, nextOffset);
}

/**
 * Reads smaller than this walk every header instead of searching the index for a boundary: a
 * window this small holds at most one index entry (default index.interval.bytes), so the search
 * would skip a few headers at the price of a binary search (profiled on 1 KB reads).
 */
const JUMP_FROM_BYTES = 4096;

// Header fields read with plain element loads: Buffer.readInt32BE's own bounds checks made it the
// largest cost of a small read (profiled), and every position here is already checked < limit.
function int32At(buf: Buffer, at: number): number {
  return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
}

function int64At(buf: Buffer, at: number): number {
  return int32At(buf, at) * 4294967296 + (int32At(buf, at + 4) >>> 0);
}

const scratch: Picked = { start: 0, end: 0, needBytes: 0, nextOffset: -1 };

function answer(start: number, end: number, needBytes: number, nextOffset: number): Picked {
  scratch.start = start;
  scratch.end = end;
  scratch.needBytes = needBytes;
  scratch.nextOffset = nextOffset;
  return scratch;
}
