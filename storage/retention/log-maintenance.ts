/**
 * The background work that removes data, off the produce and fetch path: the retention pass on
 * a timer (log.retention.check.interval.ms, the first one a full interval after start, where Kafka
 * waits its internal log.initial.task.delay.ms, 30 s: a broker restarted on old data, or a test
 * replaying old timestamps, keeps it for one interval before the first pass), DeleteRecords, and
 * the log-start checkpoint both of them move.
 *
 * Everything runs on the event loop between requests: a retention pass only unlinks files and
 * splices the segment list (no data is read), so its cost is a few syscalls per deleted segment.
 */
import type { PartitionLog } from '../log.js';
import { LogStartCheckpoint } from './log-start-checkpoint.js';
import { applyRetention, byLogStart, type RetentionOutcome } from './retention.js';

/** Kafka's log.retention.check.interval.ms default. */
export const DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;

/** Why a DeleteRecords request was refused, with Kafka's error names. */
export class DeleteRecordsError extends Error {
  constructor(
    readonly code: 'OFFSET_OUT_OF_RANGE' | 'POLICY_VIOLATION',
    message: string,
  ) {
    super(message);
  }
}

export interface LogMaintenanceOptions {
  dataDir: string;
  logs: () => PartitionLog[];
  retentionCheckIntervalMs?: number;
  onError: (err: Error) => void;
  /** Told of every segment a retention pass deleted (logs, metrics). */
  onRetention?: (log: PartitionLog, outcome: RetentionOutcome) => void;
}

export class LogMaintenance {
  readonly logStarts: LogStartCheckpoint;
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;

  constructor(private readonly options: LogMaintenanceOptions) {
    this.logStarts = new LogStartCheckpoint(options.dataDir);
    this.intervalMs = options.retentionCheckIntervalMs ?? DEFAULT_RETENTION_CHECK_INTERVAL_MS;
  }

  start(): void {
    this.stop();
    const schedule = (delay: number): void => {
      this.timer = setTimeout(() => {
        this.runRetention();
        if (this.timer !== null) schedule(this.intervalMs);
      }, delay).unref();
    };
    schedule(this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One retention pass over every partition; a partition that fails is reported and skipped. */
  runRetention(now: number = Date.now()): Map<PartitionLog, RetentionOutcome> {
    const results = new Map<PartitionLog, RetentionOutcome>();
    const logs = this.options.logs();
    for (const log of logs) {
      if (log.isClosed) continue;
      try {
        const outcome = applyRetention(log, now);
        results.set(log, outcome);
        if (outcome.deleted.length > 0) this.options.onRetention?.(log, outcome);
      } catch (err) {
        this.options.onError(new Error(`retention of ${log.topic}-${log.partition} failed: ${(err as Error).message}`));
      }
    }
    this.writeCheckpoint(logs);
    return results;
  }

  /**
   * DeleteRecords for one partition, as Kafka's ReplicaManager and Partition do it: -1 means the
   * high watermark; a negative offset or one past the high watermark is OFFSET_OUT_OF_RANGE; a
   * topic without cleanup.policy delete is POLICY_VIOLATION. The log start only moves forward,
   * is checkpointed before this returns, and segments wholly below it are deleted at once.
   * Returns the low watermark (the log start offset afterwards).
   */
  deleteRecords(log: PartitionLog, offset: number): number {
    const highWatermark = log.logEndOffset;
    const target = offset === -1 ? highWatermark : offset;
    if (!log.logConfig.cleanupPolicy.delete) {
      throw new DeleteRecordsError('POLICY_VIOLATION', `Records of partition ${log.topic}-${log.partition} can not be deleted due to the configured policy`);
    }
    if (!Number.isSafeInteger(target) || target < 0) {
      throw new DeleteRecordsError('OFFSET_OUT_OF_RANGE', `The offset ${offset} for partition ${log.topic}-${log.partition} is not valid`);
    }
    if (target > highWatermark) {
      throw new DeleteRecordsError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot increment the log start offset to ${target} of partition ${log.topic}-${log.partition} since it is larger than the high watermark ${highWatermark}`,
      );
    }
    if (log.advanceLogStart(target)) {
      // Durable before the answer: once told, a client must never see the records come back.
      // A failed write throws (KAFKA_STORAGE_ERROR to the client, which retries).
      this.logStarts.write(this.options.logs());
      const count = byLogStart(log.segmentList, log.logStartOffset);
      if (count > 0) log.deleteOldestSegments(count);
    }
    return log.logStartOffset;
  }

  writeCheckpoint(logs: readonly PartitionLog[] = this.options.logs()): void {
    try {
      this.logStarts.write(logs);
    } catch (err) {
      this.options.onError(new Error(`log start checkpoint failed: ${(err as Error).message}`));
    }
  }
}
