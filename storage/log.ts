/**
 * PartitionLog: one topic-partition, an ordered list of segments of which the last is active.
 *
 * Appends validate the request's batches, apply the idempotent producer rules, assign offsets
 * in place (base offset and partition leader epoch 0, both outside the CRC), roll the active
 * segment when it would pass segment.bytes or is older than segment.ms, and write. Reads find
 * the segment by base offset, the batch by the segment's index, and return whole batches
 * (log-read.ts).
 * Transactions (transactions/): a transactional batch opens its producer's transaction here,
 * appendControlBatch writes the marker that ends it, the last stable offset is the first offset
 * of the oldest open one, and aborts are kept in the marker segment's .txnindex.
 * Everything is synchronous: Node runs one append or read at a time.
 */
import fs from 'node:fs';
import { writeBaseOffset, writePartitionLeaderEpoch } from './batch-header.js';
import type { LogConfig } from './config.js';
import { StorageError } from './errors.js';
import { parseIncomingBatches } from './incoming-batches.js';
import type { BatchPlacement } from './index-cadence.js';
import { cutAtOffset, readSegments, segmentIndexFor, type ReadResult } from './log-read.js';
import { ProducerStateManager } from './producer-state.js';
import { completeOrRollBackSwaps } from './cleaner/swap.js';
import { deleteSegmentFiles, recoverSegments, type RecoveryReport } from './recovery.js';
import { Segment } from './segment.js';
import type { SyncLog } from './sync-log.js';
import { UnsyncedData, type SyncSnapshot } from './unsynced.js';
import { buildControlBatch, CONTROL_BATCH_SIZE, type TxnMarker } from './transactions/control-batch.js';
import { PartitionTransactions, type ProducerStateView } from './transactions/partition-transactions.js';
import { replayProducerState } from './transactions/replay.js';
import type { AbortedTxn } from './transactions/txn-index.js';

/** Segments scanned at startup to rebuild idempotent producer state. */
const PRODUCER_STATE_SEGMENTS = 2;
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
  readonly transactions = new PartitionTransactions(this.producers);
  /** What recovery did when the log was opened. */
  readonly recovery: RecoveryReport;
  private config: LogConfig;
  private readonly segments: Segment[];
  private readonly unsynced: UnsyncedData;
  private readonly onRoll: () => void;
  private readonly syncLog: SyncLog | null;
  private closed = false;
  private mayHaveAborts = false;
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
    this.onRoll = options.onRoll ?? (() => {});
    this.syncLog = options.syncLog ?? null;
    this.startOffset = Math.min(Math.max(options.logStartOffset ?? 0, segments[0]!.baseOffset), this.logEndOffset);
  }

  static open(options: OpenPartitionOptions): PartitionLog {
    const now = options.now ?? Date.now();
    fs.mkdirSync(options.dir, { recursive: true });
    completeOrRollBackSwaps(options.dir); // a clean cut short by a crash (cleaner/swap.ts)
    const baseOffsets = fs
      .readdirSync(options.dir)
      .filter((name) => /^\d{20}\.log$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b);
    const segments = baseOffsets.map((base, i) => {
      const last = i === baseOffsets.length - 1;
      const segment = Segment.open(options.dir, base, options.config.indexIntervalBytes, now, last ? options.config.segmentBytes : 0);
      segment.denseOffsets = last; // any sealed segment may have been compacted
      return segment;
    });
    const recovery = recoverSegments(segments, { cleanShutdown: options.cleanShutdown, recoveryPoint: options.recoveryPoint });
    if (segments.length === 0) segments.push(Segment.open(options.dir, 0, options.config.indexIntervalBytes, now, options.config.segmentBytes));
    for (const segment of segments.slice(0, -1)) segment.seal();
    const log = new PartitionLog(options, segments, recovery);
    // Producer state from the last segments, and from every segment recovery rescanned (their
    // .txnindex is rebuilt on the way).
    const rescanned = new Set(recovery.rebuiltIndexes);
    const firstRescanned = segments.findIndex((s) => rescanned.has(s.baseOffset));
    const from = Math.max(0, Math.min(segments.length - PRODUCER_STATE_SEGMENTS, firstRescanned < 0 ? Infinity : firstRescanned));
    replayProducerState(segments.slice(from), log.producers, log.transactions, rescanned);
    log.mayHaveAborts = segments.some((s) => s.txnIndex.entries.length > 0);
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
    if (this.active.size > 0) this.rollActive(now);
  }

  /** The next offset to be assigned; the high watermark on a single node. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** First offset of the oldest open transaction, else the log end offset. */
  get lastStableOffset(): number {
    const first = this.transactions.firstUnstableOffset;
    return first >= 0 ? first : this.logEndOffset;
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
    let transactional = this.transactions.openCount > 0;
    for (const batch of batches) {
      if (batch.isControl) throw new StorageError('INVALID_RECORD', 'clients are not allowed to write control records');
      if (batch.isTransactional) transactional = true;
      const original = this.producers.findDuplicate(batch);
      if (original !== undefined) {
        return { baseOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: true };
      }
    }
    this.producers.validateAll(batches);
    if (transactional) this.transactions.validate(batches);

    const firstOffset = this.logEndOffset;
    const recordCount = batches.reduce((sum, b) => sum + b.lastOffsetDelta + 1, 0);
    let incomingMaxTimestamp = -1;
    for (const batch of batches) if (batch.maxTimestamp > incomingMaxTimestamp) incomingMaxTimestamp = batch.maxTimestamp;
    this.maybeRoll(records.length, firstOffset + recordCount - 1, now, incomingMaxTimestamp);

    let next = firstOffset;
    const placements: BatchPlacement[] = [];
    for (const batch of batches) {
      writeBaseOffset(records, batch.at, next);
      writePartitionLeaderEpoch(records, batch.at, 0);
      placements.push({ position: batch.at, size: batch.size, lastOffset: next + batch.lastOffsetDelta, maxTimestamp: batch.maxTimestamp });
      next += batch.lastOffsetDelta + 1;
    }
    try {
      this.active.append(records, placements);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `append to ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
    }
    batches.forEach((batch, i) => {
      const batchFirst = placements[i]!.lastOffset - batch.lastOffsetDelta;
      this.producers.record(batch, batchFirst);
      if (transactional) this.transactions.onData(batch, batchFirst);
    });
    return { baseOffset: firstOffset, lastOffset: next - 1, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: false };
  }

  /**
   * Writes one transaction marker (transactions/control-batch.ts) for the producer: its open
   * transaction here ends, an abort is added to the active segment's .txnindex, and the last
   * stable offset moves. Answers like append(), at the marker's one offset.
   */
  appendControlBatch(marker: TxnMarker, now: number = Date.now()): AppendResult {
    this.ensureOpen();
    this.transactions.checkMarker(marker);
    const offset = this.logEndOffset;
    const bytes = buildControlBatch(marker, now);
    // A marker never rolls by time (Kafka's would, by its wall-clock timestamp): it stays with
    // the segment its transaction's data is in unless the segment is full.
    this.maybeRoll(CONTROL_BATCH_SIZE, offset, now, -Infinity);
    writeBaseOffset(bytes, 0, offset);
    try {
      this.active.append(bytes, [{ position: 0, size: bytes.length, lastOffset: offset, maxTimestamp: now }]);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `marker append to ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
    }
    const completed = this.transactions.onMarker(marker, offset, now);
    if (completed?.aborted) {
      this.mayHaveAborts = true;
      const { producerId, firstOffset, lastOffset, lastStableOffset } = completed;
      try {
        this.active.txnIndex.append({ producerId, firstOffset, lastOffset, lastStableOffset });
      } catch (err) {
        // The marker is in the .log; recovery rebuilds the entry from it after a restart.
        throw new StorageError('STORAGE_ERROR', `transaction index of ${this.topic}-${this.partition}: ${(err as Error).message}`);
      }
    }
    return { baseOffset: offset, lastOffset: offset, logAppendTime: -1, logStartOffset: this.logStartOffset, duplicate: false };
  }

  /**
   * Aborted transactions that overlap [fromOffset, upperBoundOffset), from the .txnindex of
   * the segment holding fromOffset and the ones after it, until an entry's LSO shows that no
   * later abort can begin below the bound (Kafka's collectAbortedTransactions).
   */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): { producerId: number; firstOffset: number }[] {
    if (!this.hasAbortedTransactions) return [];
    const found: AbortedTxn[] = [];
    for (let i = segmentIndexFor(this.segments, fromOffset); i < this.segments.length; i++) {
      if (this.segments[i]!.txnIndex.collect(fromOffset, upperBoundOffset, found)) break;
    }
    return found.map((e) => ({ producerId: e.producerId, firstOffset: e.firstOffset }));
  }

  /**
   * False while no segment holds an abort (most topics): a read_committed fetch then skips the
   * walk over the .txnindex of every later segment. Set by an abort, or at open when any
   * .txnindex has entries; never cleared (a stale true only costs that walk).
   */
  get hasAbortedTransactions(): boolean {
    return this.mayHaveAborts;
  }

  /** The producers this partition knows, with their open transaction (DescribeProducers). */
  producerStates(): ProducerStateView[] {
    return this.transactions.producerStates();
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
   * The bound of a fetch's aborted list when its read ended at `nextOffset`, as Kafka computes
   * it: the first indexed offset at or past the end in that segment, else the next segment's
   * base, else the log end (an upper bound; a client skips what it did not receive).
   */
  abortedUpperBound(nextOffset: number): number {
    const i = segmentIndexFor(this.segments, Math.max(nextOffset - 1, 0));
    const indexed = this.segments[i]!.offsetIndex.firstOffsetAtOrAfter(nextOffset);
    if (indexed >= 0) return indexed;
    return this.segments[i + 1]?.baseOffset ?? this.logEndOffset;
  }

  /**
   * The first record with timestamp >= ts: its offset and timestamp, or null when every record
   * is older. -1 (latest) and -2 (earliest) answer the log end and start offsets.
   */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    this.ensureOpen();
    if (ts === LATEST_TIMESTAMP) return { offset: this.logEndOffset, timestamp: -1 };
    if (ts === EARLIEST_TIMESTAMP) return { offset: this.logStartOffset, timestamp: -1 };
    for (const segment of this.segments) {
      const found = segment.findOffsetByTimestamp(ts);
      if (found !== null) return found;
    }
    return null;
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

  private maybeRoll(incomingBytes: number, lastOffset: number, now: number, incomingMaxTimestamp: number = now): void {
    const active = this.active;
    if (active.size === 0) return;
    const full = active.size + incomingBytes > this.config.segmentBytes;
    const old = active.timeWaitedForRoll(now, incomingMaxTimestamp) > this.config.segmentMs;
    if (!full && !old && active.canHoldOffset(lastOffset)) return;
    this.rollActive(now);
  }

  private rollActive(now: number): void {
    const active = this.active;
    // The new segment's files first: if they cannot be created (disk full), nothing changed.
    let next: Segment;
    try {
      next = Segment.open(this.dir, active.nextOffset, this.config.indexIntervalBytes, now, this.config.segmentBytes);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `roll of ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
    }
    active.seal();
    this.unsynced.onRoll(active);
    this.segments.push(next);
    this.onRoll();
  }


  private ensureOpen(): void {
    if (this.closed) throw new StorageError('STORAGE_ERROR', `partition ${this.topic}-${this.partition} is closed`);
  }
}
