/**
 * The registry's durable side: records appended to the `_schemas` topic of Brooklet's own log
 * (one partition, cleanup.policy=compact, created on first write as a Confluent registry creates
 * it) and read back from any offset. Appends are synchronous into the page cache, so a record is
 * in the log when append returns (it survives kill -9); under the `always` flush policy the
 * returned promise settles once it is also synced, and a write is answered only after that.
 */
import { batchSize, decodeRecordBatch, encodeRecordBatch } from '../../protocol/index.js';
import type { LogManager, PartitionLog } from '../../storage/log-manager.js';
import { decodeRecord, encodeKey, encodeValue, SCHEMAS_TOPIC, type RegistryRecord } from './records.js';

const READ_BYTES = 1024 * 1024;

export interface AppendedRecords {
  /** Offset of the last record written. */
  lastOffset: number;
  /** Settles once the records are synced (`always` policy); null when nothing is waited for. */
  durable: Promise<void> | null;
}

export class SchemasLog {
  constructor(private readonly logs: LogManager) {}

  get clusterId(): string {
    return this.logs.clusterId;
  }

  /** The partition, or undefined while nobody has written (or after the topic was deleted). */
  partition(): PartitionLog | undefined {
    return this.logs.partition(SCHEMAS_TOPIC, 0);
  }

  append(records: readonly RegistryRecord[], now = Date.now()): AppendedRecords {
    let log = this.partition();
    if (!log) {
      this.logs.createTopic(SCHEMAS_TOPIC, 1, { 'cleanup.policy': 'compact' });
      log = this.partition()!;
    }
    const batch = encodeRecordBatch({ records: records.map((r) => ({ key: encodeKey(r), value: encodeValue(r) })), timestamp: now });
    const result = log.append(batch, now);
    return { lastOffset: result.lastOffset, durable: this.logs.durableAck(log, result.lastOffset + 1) };
  }

  /** Waits for everything up to `offset` to be synced (`always` policy); null when not needed. */
  durableUpTo(offset: number): Promise<void> | null {
    const log = this.partition();
    return log ? this.logs.durableAck(log, offset + 1) : null;
  }

  /**
   * Calls `visit` for every registry record from `from` to the end of the log, in order; returns
   * the offset after the last record read. A batch or record that is not a registry record (a
   * Kafka client can produce anything into the topic) is passed to `onSkip` and skipped.
   */
  readFrom(
    from: number,
    visit: (record: RegistryRecord, offset: number) => void,
    onSkip: (where: string, err: unknown) => void,
  ): number {
    const log = this.partition();
    if (!log) return from;
    let offset = Math.max(from, log.logStartOffset);
    while (offset < log.logEndOffset) {
      const read = log.read(offset, READ_BYTES, true);
      if (read.outOfRange || read.chunks.length === 0) break;
      for (const chunk of read.chunks) {
        for (let pos = 0; pos < chunk.length; pos += batchSize(chunk, pos)) {
          let batch;
          try {
            batch = decodeRecordBatch(chunk, pos);
          } catch (err) {
            onSkip(`batch of ${SCHEMAS_TOPIC} near offset ${offset}`, err);
            continue;
          }
          for (const record of batch.records) {
            if (record.offset < offset) continue;
            if (record.key === null) {
              onSkip(`record ${SCHEMAS_TOPIC}@${record.offset}`, new Error('no key'));
              continue;
            }
            try {
              const decoded = decodeRecord(record.key, record.value);
              if (decoded) visit(decoded, record.offset);
            } catch (err) {
              onSkip(`record ${SCHEMAS_TOPIC}@${record.offset}`, err);
            }
          }
        }
      }
      if (read.nextOffset <= offset) break;
      offset = read.nextOffset;
    }
    return offset;
  }
}
