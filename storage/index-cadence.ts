/**
 * When a segment adds index entries, in one place so that appending and rebuilding an index
 * from the .log produce the same entries (Kafka's LogSegment rules, per batch):
 *
 *   1. the batch's max timestamp raises the segment's max timestamp so far (remembering the
 *      last offset of the first batch that reached it);
 *   2. if more than index.interval.bytes were appended since the last entry, the batch gets an
 *      offset index entry (its last offset, its position) and the time index is offered
 *      (max timestamp so far, offset of that max);
 *   3. the batch's size is added to the bytes since the last entry.
 */
export interface BatchPlacement {
  position: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

export class IndexCadence {
  bytesSinceLastEntry = 0;
  maxTimestampSoFar = -1;
  offsetOfMaxTimestampSoFar = -1;

  constructor(readonly indexIntervalBytes: number) {}

  /** A copy to go back to when an append fails half way. */
  copy(): IndexCadence {
    const copy = new IndexCadence(this.indexIntervalBytes);
    copy.bytesSinceLastEntry = this.bytesSinceLastEntry;
    copy.maxTimestampSoFar = this.maxTimestampSoFar;
    copy.offsetOfMaxTimestampSoFar = this.offsetOfMaxTimestampSoFar;
    return copy;
  }

  /** Accounts for one batch; true when it must get index entries. */
  onBatch(batch: BatchPlacement): boolean {
    if (batch.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestamp;
      this.offsetOfMaxTimestampSoFar = batch.lastOffset;
    }
    const indexNow = this.bytesSinceLastEntry > this.indexIntervalBytes;
    if (indexNow) this.bytesSinceLastEntry = 0;
    this.bytesSinceLastEntry += batch.size;
    return indexNow;
  }
}
