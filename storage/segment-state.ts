/**
 * A segment's in-memory state (index cadence, next offset, the timestamp segment.ms counts
 * from) established when it is opened: either rebuilt from the .log with both indexes
 * rewritten, or restored from indexes that are trusted, walking only the batches after the
 * last offset index entry.
 */
import { BATCH_HEADER_SIZE, readInt64 } from './batch-header.js';
import { IndexCadence } from './index-cadence.js';
import type { OffsetPosition } from './offset-index.js';
import type { Segment } from './segment.js';
import type { TimestampOffset } from './time-index.js';

export interface SegmentState {
  cadence: IndexCadence;
  nextOffset: number;
  /** The first batch's max timestamp (segment.ms is measured from it); -1 when unknown. */
  firstMaxTimestamp: number;
}

/** Rebuilds both indexes from the .log (after validation) and returns the state they imply. */
export function rebuildFromLog(segment: Segment): SegmentState {
  const offsets: OffsetPosition[] = [];
  const times: TimestampOffset[] = [];
  const cadence = new IndexCadence(segment.indexIntervalBytes);
  let nextOffset = segment.baseOffset;
  let first: number | undefined;
  segment.scan(0, false, (batch) => {
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
  segment.offsetIndex.replaceAll(offsets);
  segment.timeIndex.replaceAll(times);
  return { cadence, nextOffset, firstMaxTimestamp: first ?? -1 };
}

/**
 * The state implied by trusted indexes, or null when the walk after the last entry meets a bad
 * batch or a batch that should have been indexed (an index that lost entries): rebuild then.
 */
export function restoreFromIndexes(segment: Segment): SegmentState | null {
  const lastEntry = segment.offsetIndex.lastEntry();
  const lastTime = segment.timeIndex.lastEntry();
  if (lastEntry !== undefined && lastTime === undefined) return null;
  const cadence = new IndexCadence(segment.indexIntervalBytes);
  if (lastTime !== undefined) {
    cadence.maxTimestampSoFar = lastTime.timestamp;
    cadence.offsetOfMaxTimestampSoFar = lastTime.offset;
  }
  let nextOffset = lastEntry?.offset ?? segment.baseOffset;
  let missedEntry = false;
  const outcome = segment.scan(lastEntry?.position ?? 0, false, (batch) => {
    if (cadence.onBatch(batch)) missedEntry = true;
    nextOffset = batch.lastOffset + 1;
  });
  if (outcome.problem !== undefined || missedEntry) return null;
  if (lastTime !== undefined && lastTime.offset >= nextOffset) return null;
  const firstMaxTimestamp = segment.size >= BATCH_HEADER_SIZE ? readInt64(segment.readRange(0, BATCH_HEADER_SIZE), 35) : -1;
  return { cadence, nextOffset, firstMaxTimestamp };
}
