/**
 * Records and bytes carried by raw record data, read from the batch headers only (records are
 * never decoded on the produce or fetch path). A v2 batch header holds its record count at byte
 * 57 and its length at byte 8 (protocol/record-batch.ts has the whole layout); walking the
 * length fields visits each batch once without touching the records themselves.
 *
 * A fetch answer need not be walked at all when its log is dense: every batch Brooklet appends
 * holds exactly lastOffsetDelta + 1 records (storage/incoming-batches.ts refuses any other) at
 * offsets following the batch before it, so a read's records are its offset span. Only the
 * cleaner makes a log sparse (a compacted batch keeps its offsets but drops records, and
 * batches vanish), so reads of compacted topics are walked. Walking 64 KiB of 1 KiB batches
 * cost about 0.45 us of CPU per Fetch, most of the metrics' cost (bench/metrics-overhead.ts).
 * Known gap: a topic switched from compact to delete keeps its cleaned segments until retention
 * removes them, and reads of those count the offsets the cleaner emptied too.
 */
import { BASE_OFFSET_OFFSET, BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, RECORDS_COUNT_OFFSET } from '../../protocol/index.js';

/** Sum of the record counts of the whole batches in `data` (a partial batch at the end is not counted). */
export function recordsInBatches(data: Buffer): number {
  let records = 0;
  let pos = 0;
  while (pos + RECORD_BATCH_HEADER_SIZE <= data.length) {
    const size = LOG_OVERHEAD + int32(data, pos + BATCH_LENGTH_OFFSET);
    if (size < RECORD_BATCH_HEADER_SIZE || pos + size > data.length) break;
    records += int32(data, pos + RECORDS_COUNT_OFFSET);
    pos += size;
  }
  return records;
}

/**
 * Records in a read of a dense log (see above): from the first batch's base offset to `nextOffset`,
 * one past the last offset read. 0 when nothing was read.
 */
export function recordsInDenseRead(chunks: readonly Buffer[], nextOffset: number): number {
  const first = chunks[0];
  if (first === undefined || first.length < RECORD_BATCH_HEADER_SIZE) return 0;
  const at = BASE_OFFSET_OFFSET;
  return nextOffset - (int32(first, at) * 4294967296 + (int32(first, at + 4) >>> 0));
}

/**
 * A Fetch partition answer may carry its record count, taken by the handler where it knows the
 * read's end offset and whether the log is dense; undefined means "walk the batches". Not a wire
 * field: the encoder writes only the fields of the message's spec.
 */
export interface RecordCountHint {
  countedRecords?: number | undefined;
}

/** Big-endian int32 by plain indexing: the caller checked the bounds (readInt32BE checks again, and shows in a profile). */
function int32(b: Buffer, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

/** Records field of a Produce or Fetch message: one Buffer, a list of slices, or null. */
export type RecordData = Buffer | readonly Buffer[] | null | undefined;

export function bytesOf(data: RecordData): number {
  if (!data) return 0;
  if (Buffer.isBuffer(data)) return data.length;
  let n = 0;
  for (const chunk of data as readonly Buffer[]) n += chunk.length;
  return n;
}

/**
 * Records in a fetch answer's slices. The read path cuts slices at batch boundaries (a slice may
 * hold several batches), so each slice is walked on its own.
 */
export function recordsOf(data: RecordData): number {
  if (!data) return 0;
  if (Buffer.isBuffer(data)) return recordsInBatches(data);
  let n = 0;
  for (const chunk of data as readonly Buffer[]) n += recordsInBatches(chunk);
  return n;
}
