/**
 * Records and bytes carried by raw record data, read from the batch headers only (records are
 * never decoded on the produce or fetch path). A v2 batch header holds its record count at byte
 * 57 and its length at byte 8 (protocol/record-batch.ts has the whole layout); walking the
 * length fields visits each batch once without touching the records themselves.
 */
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_HEADER_SIZE, RECORDS_COUNT_OFFSET } from '../../protocol/index.js';

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
