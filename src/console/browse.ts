/**
 * The console's message browser: a window of one partition's records, read straight from the
 * log (the read path the Fetch handler uses) and decoded here, off the produce/fetch hot path.
 *
 * A request picks a start (an offset, a timestamp = the first record at or after it, or the log's
 * end/start) and a direction: oldest first reads forward from the start, newest first reads
 * backward from it (start included). Bounded, whatever is asked: at most MAX_MESSAGES records,
 * at most MAX_READ_BYTES of log read, at most MAX_FIELD_BYTES sent per field, and compressed
 * batches (any codec: protocol/codecs) decompressed to at most MAX_INFLATED_BYTES (a compressed
 * batch cannot balloon the heap). A batch that cannot be decoded is listed by offset range with
 * the reason.
 */
import {
  CONTROL_BIT, RECORD_BATCH_HEADER_SIZE, batchSize, decodeRecordBatch, readBatchHeader, type DecodedRecord,
} from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/log-manager.js';
import { pageDecoding, toField, type Field, type SchemaLookup } from './fields.js';

export const MAX_MESSAGES = 100;
export const MAX_READ_BYTES = 4 * 1024 * 1024;
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export interface BrowseQuery {
  /** Start here (inclusive); with neither offset nor timestamp: the log's end (newest) or start (oldest). */
  offset?: number;
  timestamp?: number;
  order: 'newest' | 'oldest';
  limit: number;
}

export interface BrowsedMessage {
  offset: number;
  timestamp: number;
  key: Field | null;
  value: Field | null;
  headers: { key: string; value: Field | null }[];
}

export interface BrowsedBatchNote {
  firstOffset: number;
  lastOffset: number;
  note: string;
}

export interface BrowseResult {
  logStartOffset: number;
  logEndOffset: number;
  messages: BrowsedMessage[];
  /** Batches that were read but not shown (undecodable ones, transaction markers). */
  skipped: BrowsedBatchNote[];
}

export function browse(log: PartitionLog, query: BrowseQuery, lookup: SchemaLookup | null): BrowseResult {
  const start = log.logStartOffset;
  const end = log.logEndOffset;
  const result: BrowseResult = { logStartOffset: start, logEndOffset: end, messages: [], skipped: [] };
  const limit = Math.min(Math.max(1, query.limit), MAX_MESSAGES);
  let from: number;
  if (query.timestamp !== undefined) from = log.offsetForTimestamp(query.timestamp)?.offset ?? end;
  else from = query.offset ?? (query.order === 'newest' ? end - 1 : start);
  let records: DecodedRecord[];
  if (query.order === 'oldest') {
    from = Math.max(from, start);
    records = readForward(log, from, end, limit, result.skipped);
  } else {
    const last = Math.min(from, end - 1);
    const first = Math.max(start, last - limit + 1);
    records = last < first ? [] : readForward(log, first, last + 1, limit, result.skipped).reverse();
  }
  const decoding = pageDecoding(lookup);
  result.messages = records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: toField(r.key, null, false),
    value: toField(r.value, decoding, true),
    headers: r.headers.map((h) => ({ key: h.key, value: toField(h.value, null, false) })),
  }));
  return result;
}

/** Records with offsets in [from, until), at most `limit`, reading at most MAX_READ_BYTES. */
function readForward(log: PartitionLog, from: number, until: number, limit: number, skipped: BrowsedBatchNote[]): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  let offset = from;
  let budget = MAX_READ_BYTES;
  while (out.length < limit && offset < until && budget > 0) {
    const read = log.read(offset, budget, true);
    if (read.outOfRange || read.bytes === 0) break;
    budget -= read.bytes;
    for (const chunk of read.chunks) {
      for (let pos = 0; pos + RECORD_BATCH_HEADER_SIZE <= chunk.length; pos += batchSize(chunk, pos)) {
        for (const record of decodeBatch(chunk, pos, skipped)) {
          if (record.offset >= from && record.offset < until && out.length < limit) out.push(record);
        }
      }
    }
    if (read.nextOffset <= offset) break;
    offset = read.nextOffset;
  }
  return out;
}

function decodeBatch(chunk: Buffer, pos: number, skipped: BrowsedBatchNote[]): DecodedRecord[] {
  const header = readBatchHeader(chunk, pos);
  const note = (text: string) => {
    skipped.push({ firstOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta, note: text });
    return [];
  };
  if (header.attributes & CONTROL_BIT) return note('transaction marker');
  try {
    return decodeRecordBatch(chunk, pos, MAX_INFLATED_BYTES).records;
  } catch (err) {
    return note(`could not be decoded: ${(err as Error).message}`);
  }
}
