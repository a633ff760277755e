/**
 * The durable side of the coordinator: committed offsets and group metadata written as record
 * batches to the internal topic __consumer_offsets (records in Kafka's formats, see
 * offset-records.ts) and replayed at startup.
 *
 * The topic is created on first write with one partition (a single node gains nothing from
 * more). If it already exists with N partitions, a group's records go to Kafka's choice,
 * abs(javaHashCode(groupId)) % N, and replay reads every partition, so a log written by either
 * layout loads. Appends are synchronous into the page cache, so an answered commit survives
 * kill -9 (Kafka's default durability: fsync is left to the OS); under the `always` flush
 * policy append also hands back the wait for the sync, so that a commit is answered only once
 * it is on disk, as a produce is. The topic is compacted (cleanup.policy=compact) by the log
 * cleaner; replay reads what is left in order (later records win, tombstones delete).
 *
 * One OffsetCommit request is one batch holding all its partitions, as Kafka writes it, encoded
 * here (encodeOffsetsBatch) rather than by protocol/records.ts, whose encoder is for tests and
 * tools.
 */
import {
  ATTRIBUTES_OFFSET, BASE_SEQUENCE_OFFSET, BASE_TIMESTAMP_OFFSET, BATCH_LENGTH_OFFSET, CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD, MAGIC_OFFSET, MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET,
  RECORD_BATCH_HEADER_SIZE, RECORDS_COUNT_OFFSET, computeBatchCrc,
} from '../../protocol/index.js';
import type { LogManager } from '../../storage/log-manager.js';
import { replayTopic } from './internal-topic.js';
import { decodeKey, type OffsetsRecordKey } from './offset-records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetsRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

export class OffsetsLog {
  constructor(private readonly logs: LogManager, private readonly partitionsOnCreate = 1) {}

  /**
   * Appends the records of one group as one batch; throws when the log cannot take them.
   * With `waitForSync` under the `always` policy, returns a promise that settles once the batch
   * was synced (rejecting with the storage error if the sync failed); otherwise null. Only a
   * caller that will wait asks: a sync nobody waits for could outlive the broker's close, which
   * waits for in-flight requests but not for stray syncs.
   */
  append(groupId: string, records: readonly OffsetsRecord[], now: number, waitForSync = false): Promise<void> | null {
    if (records.length === 0) return null;
    const topic = this.logs.getTopic(OFFSETS_TOPIC) ??
      // As Kafka creates it (offsets.topic.segment.bytes): 100 MiB segments, so the cleaner sees
      // sealed segments long before the 1 GiB default would roll.
      this.logs.createTopic(OFFSETS_TOPIC, this.partitionsOnCreate, { 'cleanup.policy': 'compact', 'segment.bytes': String(100 * 1024 * 1024) });
    const log = this.logs.partition(OFFSETS_TOPIC, partitionFor(groupId, topic.partitions));
    if (!log) throw new Error(`${OFFSETS_TOPIC} has no partition for group ${groupId}`);
    const result = log.append(encodeOffsetsBatch(records, now));
    return waitForSync ? this.logs.durableAck(log, result.lastOffset + 1) : null;
  }

  /**
   * Calls `visit` for every record of every partition, oldest first. Returns the record count.
   * A batch or record that cannot be read (a client produced garbage into the topic) is skipped
   * and reported through `onSkip`, so it can never keep the broker from starting.
   */
  replay(visit: (key: OffsetsRecordKey, value: Buffer | null) => void, onSkip: (where: string, err: unknown) => void): number {
    return replayTopic(this.logs, OFFSETS_TOPIC, (record) => {
      const key = decodeKey(record.key!);
      if (key === undefined) return false;
      visit(key, record.value);
      return true;
    }, onSkip);
  }
}

/** Kafka's partition for a group: abs(String.hashCode) modulo the partition count. */
export function partitionFor(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  return (hash & 0x7fffffff) % partitions;
}

/**
 * One uncompressed v2 batch of the records, timestamped `now`, byte for byte what
 * encodeRecordBatch({ records, timestamp: now }) builds (test/coordinator/offsets-batch.test.ts
 * holds them equal), written into one buffer of its exact size. encodeRecordBatch is for tests
 * and tools: it builds each record through two Writers of their own, a few KiB of garbage per
 * record, and an OffsetCommit of 100 partitions writes 100 records. Each record (see
 * protocol/records.ts): length, attributes 0, timestamp delta 0, offset delta, key, value (-1:
 * tombstone), no headers.
 */
export function encodeOffsetsBatch(records: readonly OffsetsRecord[], now: number): Buffer {
  let size = RECORD_BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const body = recordBodySize(records[i]!, i);
    size += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32BE(0, 0); // base offset 0 (the log sets it)
  buf.writeUInt32BE(0, 4);
  buf.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(2, MAGIC_OFFSET);
  buf.writeInt16BE(0, ATTRIBUTES_OFFSET); // no compression, CreateTime, not transactional
  buf.writeInt32BE(Math.max(records.length - 1, 0), LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, BASE_TIMESTAMP_OFFSET, now);
  writeInt64(buf, MAX_TIMESTAMP_OFFSET, now);
  writeInt64(buf, PRODUCER_ID_OFFSET, -1);
  buf.writeInt16BE(-1, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(records.length, RECORDS_COUNT_OFFSET);
  let pos = RECORD_BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const { key, value } = records[i]!;
    pos = putVarint(buf, pos, recordBodySize(records[i]!, i));
    buf[pos++] = 0; // attributes
    buf[pos++] = 0; // timestamp delta
    pos = putVarint(buf, pos, i);
    pos = putVarint(buf, pos, key.length);
    pos += key.copy(buf, pos);
    if (value === null) {
      pos = putVarint(buf, pos, -1);
    } else {
      pos = putVarint(buf, pos, value.length);
      pos += value.copy(buf, pos);
    }
    buf[pos++] = 0; // headers count
  }
  buf.writeUInt32BE(computeBatchCrc(buf, 0), CRC_OFFSET);
  return buf;
}

function recordBodySize(r: OffsetsRecord, offsetDelta: number): number {
  const value = r.value === null ? 1 : varintSize(r.value.length) + r.value.length;
  return 3 + varintSize(offsetDelta) + varintSize(r.key.length) + r.key.length + value;
}

/** Bytes of a zigzag varint (lengths and deltas here: -1 up to 2^31-1). */
function varintSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

function putVarint(buf: Buffer, pos: number, v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(Math.trunc(v - hi * 0x1_0000_0000), pos + 4);
}
