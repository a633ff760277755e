/**
 * Reading back an internal topic the broker writes for itself (__consumer_offsets,
 * __transaction_state): every record of every partition, oldest first, for a coordinator to
 * rebuild its state at startup. A batch or record that cannot be read (a client produced garbage
 * into the topic, say) is reported and skipped, so it can never keep the broker from starting.
 */
import { batchSize, decodeRecordBatch, type DecodedRecord } from '../../protocol/index.js';
import type { LogManager } from '../../storage/log-manager.js';

const REPLAY_READ_BYTES = 1024 * 1024;

/** Calls `visit` for every keyed record; returns how many it accepted (visit returns false to not count one). */
export function replayTopic(
  logs: LogManager, topic: string,
  visit: (record: DecodedRecord, partition: number) => boolean,
  onSkip: (where: string, err: unknown) => void,
): number {
  const info = logs.getTopic(topic);
  if (!info) return 0;
  let count = 0;
  for (let p = 0; p < info.partitions; p++) {
    const log = logs.partition(topic, p);
    if (!log) continue;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const read = log.read(offset, REPLAY_READ_BYTES, true);
      if (read.outOfRange || read.chunks.length === 0) break;
      for (const chunk of read.chunks) {
        for (let pos = 0; pos < chunk.length; pos += batchSize(chunk, pos)) {
          let records;
          try {
            records = decodeRecordBatch(chunk, pos).records;
          } catch (err) {
            onSkip(`batch in ${topic}-${p} near offset ${offset}`, err);
            continue;
          }
          for (const record of records) {
            if (record.offset < offset || record.key === null) continue;
            try {
              if (visit(record, p)) count++;
            } catch (err) {
              onSkip(`record ${topic}-${p}@${record.offset}`, err);
            }
          }
        }
      }
      if (read.nextOffset <= offset) break;
      offset = read.nextOffset;
    }
  }
  return count;
}
