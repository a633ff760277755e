/**
 * The log start offsets, `<dataDir>/log-start-offset-checkpoint`, in Kafka's offset checkpoint
 * format (checkpoint.ts) and under Kafka's file name:
 *
 *   0                               format version
 *   <count>                         number of lines that follow
 *   <topic> <partition> <offset>    the partition's log start offset (low watermark)
 *
 * As in Kafka, only partitions whose log start lies past their first segment's base offset are
 * listed (DeleteRecords moved it inside a segment); for every other partition the first
 * segment's base offset is the log start, so the files themselves say it.
 *
 * Unlike Kafka, which rewrites this file on a timer (log.flush.start.offset.checkpoint.interval.ms,
 * 60 s), Brooklet rewrites it (temp file, fsync, rename) before a DeleteRecords is answered, so an
 * acknowledged deletion survives kill -9: records a client was told are gone never come back.
 */
import path from 'node:path';
import { partitionKey, readOffsetCheckpoint, writeOffsetCheckpoint, type CheckpointEntry } from '../checkpoint.js';
import type { PartitionLog } from '../log.js';

export const LOG_START_FILE = 'log-start-offset-checkpoint';

export class LogStartCheckpoint {
  private readonly file: string;
  private lastWritten: string | null = null;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, LOG_START_FILE);
  }

  /** Log start offsets by "topic partition" as last written (empty when absent or unreadable). */
  read(): Map<string, number> {
    return readOffsetCheckpoint(this.file);
  }

  offsetFor(points: Map<string, number>, topic: string, partition: number): number {
    return points.get(partitionKey(topic, partition)) ?? 0;
  }

  /** Rewrites the file when its content would change. */
  write(logs: readonly PartitionLog[]): void {
    const entries: CheckpointEntry[] = [];
    for (const log of logs) {
      if (log.isClosed) continue;
      const first = log.segmentList[0]!.baseOffset;
      if (log.logStartOffset > first) entries.push({ topic: log.topic, partition: log.partition, offset: log.logStartOffset });
    }
    const key = entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`).join('\n');
    if (key === this.lastWritten) return;
    writeOffsetCheckpoint(this.file, entries);
    this.lastWritten = key;
  }
}
