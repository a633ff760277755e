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
 * it is on disk, as a produce is. There is no compaction yet: the
 * log keeps every commit and replay reads them all (later records win, tombstones delete).
 */
import { encodeRecordBatch } from '../../protocol/index.js';
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
    const result = log.append(encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value })), timestamp: now }));
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
