/**
 * A topic's `compression.type` applied at produce, as Kafka's LogValidator applies it:
 *
 *   producer       (default) every batch is kept with the codec the producer chose
 *   uncompressed   batches are stored with codec 0
 *   gzip|snappy|lz4|zstd   a batch whose codec differs is re-compressed with this one
 *
 * Only the codec changes. The records inside are kept byte for byte (their offset and
 * timestamp deltas still count from the batch's base), so the header stays as it came: base
 * offset, partition leader epoch, lastOffsetDelta, both timestamps, producer id, epoch and base
 * sequence, the transactional and timestamp-type bits; then batchLength and the CRC-32C are
 * written for the new payload. Idempotent duplicate detection and transactions see the same
 * header fields as before. A control batch is never touched (markers are written by the
 * broker, and Kafka refuses them in a Produce).
 *
 * A batch that needs re-compression must first prove itself: its CRC is checked before it is
 * opened, its payload decompresses within the budget, and the records inside frame exactly
 * (recordsCount length-prefixed records, no byte left over). Any failure is CORRUPT_MESSAGE for
 * the partition, as Kafka answers, and nothing of the request is appended. The budget of
 * decompressed bytes is one per request partition (DEFAULT_MAX_DECOMPRESSED_BYTES, 64 MiB,
 * shared by all its batches), so a small batch cannot balloon the heap.
 *
 * Levels (Kafka 3.8+, KIP-390): compression.gzip.level (-1 = zlib's default, 6) and
 * compression.zstd.level (default 3) are applied. compression.lz4.level is not: lz4-napi
 * (lz4_flex) has only its one fast mode, no HC levels; snappy has no levels in Kafka either.
 */
import { CodecError, DEFAULT_MAX_DECOMPRESSED_BYTES, compressPayload, decompressPayload } from '../../../protocol/codecs/index.js';
import {
  ATTRIBUTES_OFFSET, BATCH_LENGTH_OFFSET, COMPRESSION_MASK, CONTROL_BIT, CRC_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET,
  RECORDS_COUNT_OFFSET, RECORD_BATCH_HEADER_SIZE, computeBatchCrc,
} from '../../../protocol/record-batch.js';
import { StorageError } from '../../../storage/errors.js';

/** Codec ids of compression.type values; `producer` is absent (nothing to do). */
const TARGET_CODECS: Readonly<Record<string, number>> = { uncompressed: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export interface RecompressOptions {
  /** Codec id the topic wants (0-4). */
  codec: number;
  /** Level for gzip or zstd; undefined for the library's default. */
  level?: number;
  /** Decompressed bytes allowed for the whole request partition. */
  budget?: number;
}

/** The codec id a compression.type asks for, or null for `producer` (or no value). */
export function targetCodec(compressionType: string | undefined): number | null {
  if (compressionType === undefined) return null;
  return TARGET_CODECS[compressionType] ?? null;
}

/**
 * `records` with every batch in the target codec. Answers `records` itself when no batch needs
 * a change, and also when the buffer is not whole v2 batches: the log's own checks refuse it
 * then, with their error, before anything is written.
 */
export function recompressBatches(records: Buffer, options: RecompressOptions): Buffer {
  if (!needsRecompression(records, options.codec)) return records;
  let budget = options.budget ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const out: Buffer[] = [];
  for (let at = 0; at < records.length;) {
    const size = LOG_OVERHEAD + records.readInt32BE(at + BATCH_LENGTH_OFFSET);
    const batch = records.subarray(at, at + size);
    at += size;
    if (!changes(batch, options.codec)) {
      out.push(batch);
      continue;
    }
    const payload = openBatch(batch, budget);
    budget -= payload.length;
    out.push(buildBatch(batch, options.codec, compressPayload(options.codec, payload, options.level)));
  }
  return Buffer.concat(out);
}

/** Whether any batch must be rewritten; false too when the buffer is not whole v2 batches. */
function needsRecompression(records: Buffer, codec: number): boolean {
  let any = false;
  for (let at = 0; at < records.length;) {
    if (records.length - at < RECORD_BATCH_HEADER_SIZE || records.readInt8(at + MAGIC_OFFSET) !== 2) return false;
    const size = LOG_OVERHEAD + records.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (size < RECORD_BATCH_HEADER_SIZE || at + size > records.length) return false;
    if (changes(records.subarray(at, at + RECORD_BATCH_HEADER_SIZE), codec)) any = true;
    at += size;
  }
  return any;
}

function changes(batch: Buffer, codec: number): boolean {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  return (attributes & CONTROL_BIT) === 0 && (attributes & COMPRESSION_MASK) !== codec;
}

function corrupt(message: string): never {
  throw new StorageError('CORRUPT_MESSAGE', message);
}

/** The batch's records, uncompressed, after its CRC and their framing are checked. */
function openBatch(batch: Buffer, budget: number): Buffer {
  if (computeBatchCrc(batch, 0) !== batch.readUInt32BE(CRC_OFFSET)) corrupt('record batch fails its CRC');
  let payload: Buffer;
  try {
    payload = decompressPayload(batch.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_MASK, batch.subarray(RECORD_BATCH_HEADER_SIZE), budget);
  } catch (err) {
    if (err instanceof CodecError) corrupt(`record batch cannot be re-compressed: ${err.message}`);
    throw err;
  }
  const problem = recordFramingProblem(payload, batch.readInt32BE(RECORDS_COUNT_OFFSET));
  if (problem !== null) corrupt(`record batch cannot be re-compressed: ${problem}`);
  return payload;
}

/** A copy of the batch's header with the codec bits, batchLength and CRC set for `payload`. */
function buildBatch(original: Buffer, codec: number, payload: Buffer): Buffer {
  const batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + payload.length);
  original.copy(batch, 0, 0, RECORD_BATCH_HEADER_SIZE);
  payload.copy(batch, RECORD_BATCH_HEADER_SIZE);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  const attributes = original.readInt16BE(ATTRIBUTES_OFFSET);
  batch.writeInt16BE((attributes & ~COMPRESSION_MASK) | codec, ATTRIBUTES_OFFSET);
  batch.writeUInt32BE(computeBatchCrc(batch, 0), CRC_OFFSET);
  return batch;
}

/**
 * Null when `payload` is exactly `count` records, each a zigzag varint length and that many
 * bytes; else what is wrong. Only lengths are read: the records' insides stay opaque, as the
 * consumer will read them.
 */
export function recordFramingProblem(payload: Buffer, count: number): string | null {
  if (count < 0 || count > payload.length) return `records count ${count} does not fit ${payload.length} bytes`;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let raw = 0;
    let shift = 0;
    for (;;) {
      if (pos >= payload.length) return `record ${i} is cut short`;
      const b = payload[pos++]!;
      raw += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) return `record ${i} has a malformed length`;
    }
    const length = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (length <= 0 || length > payload.length - pos) return `record ${i} declares ${length} bytes, ${payload.length - pos} are left`;
    pos += length;
  }
  return pos === payload.length ? null : `${payload.length - pos} bytes follow the last record`;
}

/**
 * What a topic's compression.type (not `producer`) asks of a produce, with the level of its
 * codec; `config` answers the other topic configs in force.
 */
export function topicRecompression(compressionType: string, config: (key: string) => string | undefined): RecompressOptions {
  const codec = targetCodec(compressionType);
  if (codec === null) throw new Error(`compression.type ${compressionType} asks for no re-compression`);
  const levelKey = codec === 1 ? 'compression.gzip.level' : codec === 4 ? 'compression.zstd.level' : null;
  const level = levelKey === null ? undefined : config(levelKey);
  return { codec, level: level === undefined ? undefined : Number(level) };
}
