/**
 * PartitionLog: one topic-partition, an ordered list of segments of which the last is active,
 * and the log start offset (the low watermark) that retention and DeleteRecords move.
 *
 * Appends validate the request's batches (incoming-batches.ts), apply the idempotent producer
 * rules (producer-state.ts), assign offsets in place and write through the active segment,
 * which rolls when it must (active-segment.ts). Reads find the segment by base offset, the
 * batch by the segment's index, and return whole batches (log-read.ts). Opening a directory is
 * log-loader.ts's; the transaction side (markers, last stable offset, aborted transactions) is
 * transactions/log-transactions.ts's, and this class delegates to it.
 * Everything is synchronous: Node runs one append or read at a time.
 */
import fs from 'node:fs';
import { ActiveSegmentWriter } from './active-segment.js';
import type { LogConfig } from './config.js';
import { StorageError } from './errors.js';
import { assignOffsets, parseIncomingBatches } from './incoming-batches.js';
import { cutAtOffset, findOffsetByTimestamp, readSegments, type ReadResult } from './log-read.js';
import { loadSegments } from './log-loader.js';
import { ProducerStateManager } from './producer-state.js';
import { deleteSegmentFiles, type RecoveryReport } from './recovery.js';
import type { Segment } from './segment.js';
import type { SyncLog } from './sync-log.js';
import { UnsyncedData, type SyncSnapshot } from './unsynced.js';
import type { TxnMarker } from './transactions/control-batch.js';
import { LogTransactions } from './transactions/log-transactions.js';
import type { ProducerStateView } from './transactions/partition-transactions.js';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** -1: timestamps are the producer's (CreateTime). */
  logAppendTime: number;
  logStartOffset: number;
  /** True when the batch was a retry of one already appended (nothing written). */
  duplicate: boolean;
}

export type { ReadResult } from './log-read.js';

export interface OpenPartitionOptions {
  dir: string;
  topic: string;
  partition: number;
  config: LogConfig;
  cleanShutdown: boolean;
  recoveryPoint: number;
  /** From the log-start checkpoint (DeleteRecords may have moved it inside the first segment). */
  logStartOffset?: number;
  now?: number;
  /** Called after a roll: the sealed segment should be synced soon (Kafka flushes on roll). */
  onRoll?: () => void;
  /** Test hook: every sync is recorded here (sync-log.ts). */
  syncLog?: SyncLog | null;
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  readonly producers = new ProducerStateManager();
  /** What recovery did when the log was opened. */
  readonly recovery: RecoveryReport;
  private config: LogConfig;
  private readonly segments: Segment[];
  private readonly unsynced: UnsyncedData;
  private readonly writer: ActiveSegmentWriter;
  private readonly syncLog: SyncLog | null;
  private readonly txn: LogTransactions;
  private closed = false;
  /** The low watermark: reads below it are OFFSET_OUT_OF_RANGE. Never below the first segment's base. */
  private startOffset: number;

  private constructor(options: OpenPartitionOptions, segments: Segment[], recovery: RecoveryReport) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.dir = options.dir;
    this.config = options.config;
    this.segments = segments;
    this.recovery = recovery;
    this.unsynced = new UnsyncedData(options.dir, Math.min(options.recoveryPoint, this.logEndOffset), options.now ?? Date.now());
    const name = `${this.topic}-${this.partition}`;
    this.writer = new ActiveSegmentWriter({ dir: options.dir, name, segments, unsynced: this.unsynced, config: () => this.config, onRoll: options.onRoll ?? (() => {}) });
    this.syncLog = options.syncLog ?? null;
    this.startOffset = Math.min(Math.max(options.logStartOffset ?? 0, segments[0]!.baseOffset), this.logEndOffset);
    const host = { name, segments, logEndOffset: () => this.logEndOffset, write: this.writer.write.bind(this.writer) };
    this.txn = new LogTransactions(host, this.producers);
  }

  static open(options: OpenPartitionOptions): PartitionLog {
    const { segments, recovery } = loadSegments(options, options.now ?? Date.now());
    const log = new PartitionLog(options, segments, recovery);
    log.txn.restore(recovery);
    return log;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /**
   * Moves the log start offset forward (DeleteRecords, retention); never back, never past the
   * log end. True when it moved. Segments wholly below it are deleted by deleteOldestSegments.
   */
  advanceLogStart(offset: number): boolean {
    const next = Math.min(offset, this.logEndOffset);
    if (next <= this.startOffset) return false;
    this.startOffset = next;
    return true;
  }

  /**
   * Deletes the oldest `count` segments (retention, a moved log start), never the active one:
   * each is unmapped and closed before its files are unlinked (a slice still queued on a socket
   * keeps its pages until collected). The log start moves to the first kept segment.
   */
  deleteOldestSegments(count: number): Segment[] {
    this.ensureOpen();
    const removed = this.segments.splice(0, Math.min(count, this.segments.length - 1));
    this.unsynced.forget(removed);
    for (const segment of removed) deleteSegmentFiles(segment);
    this.advanceLogStart(this.segments[0]!.baseOffset);
    return removed;
  }

  /**
   * Replaces the sealed segments [index, index + count) with `replacement` (the cleaner's swap,
   * storage/cleaner/swap.ts, has already put the new files in place). Never the active segment.
   */
  replaceSegments(index: number, count: number, replacement: Segment[]): Segment[] {
    this.ensureOpen();
    if (index + count >= this.segments.length) throw new Error(`replaceSegments: the active segment of ${this.topic}-${this.partition} is never replaced`);
    const removed = this.segments.splice(index, count, ...replacement);
    this.unsynced.forget(removed);
    return removed;
  }

  /** Seals a non-empty active segment and starts an empty one at the log end (retention reaching the active segment, as Kafka rolls). */
  roll(now: number = Date.now()): void {
    this.ensureOpen();
    this.writer.roll(now);
  }

  /** The next offset to be assigned; the high watermark on a single node. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** First offset of the oldest open transaction, else the log end offset. */
  get lastStableOffset(): number {
    return this.txn.lastStableOffset;
  }

  /** Offsets below this are known to be on disk (the recovery point). */
  get recoveryPoint(): number {
    return this.unsynced.flushedOffset;
  }

  get logConfig(): LogConfig {
    return this.config;
  }

  /** True when appended bytes (or a roll) are not yet known to be on disk. */
  get hasUnsynced(): boolean {
    return !this.closed && this.unsynced.pending(this.logEndOffset);
  }

  /** True after close() or delete(): a sync that was running then must not move anything. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** When the last sync of this partition finished (ms since the epoch). */
  get lastSyncAt(): number {
    return this.unsynced.lastSyncAt;
  }

  /** What a sync started now must cover (group commit), or null when nothing is pending. */
  syncSnapshot(): SyncSnapshot | null {
    return this.closed ? null : this.unsynced.snapshot(this.active, this.logEndOffset);
  }

  /** A snapshot's files were synced: its offsets are durable, the recovery point moves. */
  markSynced(snapshot: SyncSnapshot, now: number = Date.now()): void {
    this.unsynced.markSynced(snapshot, now);
  }

  /** The segments, oldest first (read-only view for tests and tools). */
  get segmentList(): readonly Segment[] {
    return this.segments;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  append(records: Buffer, now: number = Date.now()): AppendResult {
    this.ensureOpen();
    const batches = parseIncomingBatches(records);
    for (const batch of batches) {
      if (batch.isControl) throw new StorageError('INVALID_RECORD', 'clients are not allowed to write control records');
      const original = this.producers.findDuplicate(batch);
      if (original !== undefined) {
        return { baseOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: true };
      }
    }
    this.producers.validateAll(batches);
    const transactional = this.txn.checkData(batches);

    const firstOffset = this.logEndOffset;
    let incomingMaxTimestamp = -1;
    for (const batch of batches) if (batch.maxTimestamp > incomingMaxTimestamp) incomingMaxTimestamp = batch.maxTimestamp;
    const placements = assignOffsets(records, batches, firstOffset);
    this.writer.write(records, placements, now, incomingMaxTimestamp, 'append');
    batches.forEach((batch, i) => {
      const batchFirst = placements[i]!.lastOffset - batch.lastOffsetDelta;
      this.producers.record(batch, batchFirst);
      if (transactional) this.txn.onData(batch, batchFirst);
    });
    const lastOffset = placements[placements.length - 1]!.lastOffset;
    return { baseOffset: firstOffset, lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: false };
  }

  /**
   * Writes one transaction marker for the producer (transactions/log-transactions.ts): its
   * transaction here ends and the last stable offset moves. Answers like append(), at the
   * marker's one offset.
   */
  appendControlBatch(marker: TxnMarker, now: number = Date.now()): AppendResult {
    this.ensureOpen();
    const offset = this.txn.appendMarker(marker, now);
    return { baseOffset: offset, lastOffset: offset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: false };
  }

  /** Aborted transactions overlapping [fromOffset, upperBoundOffset) (a read_committed fetch's list). */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): { producerId: number; firstOffset: number }[] {
    return this.txn.abortedTransactions(fromOffset, upperBoundOffset);
  }

  /** False while no segment holds an abort: a read_committed fetch skips the .txnindex walk. */
  get hasAbortedTransactions(): boolean {
    return this.txn.hasAbortedTransactions;
  }

  /** The bound of a fetch's aborted list when its read ended at `nextOffset`. */
  abortedUpperBound(nextOffset: number): number {
    return this.txn.abortedUpperBound(nextOffset);
  }

  /** The producers this partition knows, with their open transaction (DescribeProducers). */
  producerStates(): ProducerStateView[] {
    return this.txn.producerStates();
  }

  /**
   * Whole batches from `offset`, none at or past `maxOffset` (read_committed reads stop at the
   * last stable offset; an offset between it and the log end reads nothing, without error).
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean, maxOffset = Number.MAX_SAFE_INTEGER): ReadResult {
    this.ensureOpen();
    if (!Number.isInteger(offset) || offset < this.logStartOffset || offset > this.logEndOffset) {
      return { chunks: [], bytes: 0, outOfRange: true, nextOffset: offset };
    }
    if (offset >= maxOffset) return { chunks: [], bytes: 0, outOfRange: false, nextOffset: offset };
    const result = readSegments(this.segments, offset, maxBytes, minOneBatch);
    return result.nextOffset > maxOffset ? cutAtOffset(result, maxOffset) : result;
  }

  /**
   * The first record with timestamp >= ts: its offset and timestamp, or null when every record
   * is older. -1 (latest) and -2 (earliest) answer the log end and start offsets.
   */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    if (ts === LATEST_TIMESTAMP) return { offset: this.logEndOffset, timestamp: -1 };
    if (ts === EARLIEST_TIMESTAMP) return { offset: this.logStartOffset, timestamp: -1 };
    return findOffsetByTimestamp(this.segments, ts);
  }

  /** fdatasync everything appended so far (segments sealed since the last flush included). */
  flush(): void {
    this.ensureOpen();
    try {
      this.unsynced.syncNow(this.active, this.logEndOffset, Date.now(), this.syncLog);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `flush of ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
    }
  }

  /** Flushes and closes every file. Mappings stay valid while slices of them are in use. */
  close(): void {
    if (this.closed) return;
    this.flush();
    for (const segment of this.segments) segment.close();
    this.closed = true;
  }

  /** Closes without flushing and removes the partition's directory (topic deletion). */
  delete(): void {
    if (!this.closed) for (const segment of this.segments) segment.close();
    this.closed = true;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError('STORAGE_ERROR', `partition ${this.topic}-${this.partition} is closed`);
  }
}
