/**
 * The transaction side of one partition's log. PartitionLog (storage/log.ts) keeps the
 * segments, the data appends and the reads, and delegates here for what transactions add:
 *  - the checks on a data append that carries a transactional batch or follows one still open
 *    (the rules are in partition-transactions.ts), and the transactions those batches open;
 *  - writing a marker (control-batch.ts) at the log end, which ends its producer's transaction,
 *    and for an abort the entry in the active segment's .txnindex (txn-index.ts);
 *  - the last stable offset, and the aborted transactions a read_committed fetch is sent;
 *  - rebuilding all of it, with the idempotent producer state, when the log is opened (replay.ts).
 * Kept apart from log.ts so that a log without transactions reads as one, and because this
 * side knows markers and aborts but nothing of the coordinator that sends them.
 */
import { writeBaseOffset } from '../batch-header.js';
import { StorageError } from '../errors.js';
import type { BatchPlacement } from '../index-cadence.js';
import { segmentIndexFor } from '../log-read.js';
import type { ProducerStateManager } from '../producer-state.js';
import type { RecoveryReport } from '../recovery.js';
import type { Segment } from '../segment.js';
import { buildControlBatch, type TxnMarker } from './control-batch.js';
import { PartitionTransactions, type ProducerStateView, type TxnBatch } from './partition-transactions.js';
import { replayProducerState } from './replay.js';
import type { AbortedTxn } from './txn-index.js';

/** Segments scanned at startup to rebuild idempotent producer state. */
const PRODUCER_STATE_SEGMENTS = 2;

/** What the transaction side needs of its log, and nothing more. */
export interface TxnLogHost {
  /** `topic-partition`, for error messages. */
  readonly name: string;
  /** The log's segments, oldest first. The log changes this array in place, never replaces it. */
  readonly segments: readonly Segment[];
  logEndOffset(): number;
  /**
   * Writes batches whose offsets are assigned at the log end, rolling the active segment first
   * when it must (as a data append does); `what` names the write in its error.
   */
  write(bytes: Buffer, placements: BatchPlacement[], now: number, incomingMaxTimestamp: number, what: string): void;
}

export class LogTransactions {
  private readonly state: PartitionTransactions;
  /**
   * False while no segment holds an abort (most topics): a read_committed fetch then skips the
   * walk over the .txnindex of every later segment. Set by an abort, or at open when any
   * .txnindex has entries; never cleared (a stale true only costs that walk).
   */
  private mayHaveAborts = false;

  constructor(
    private readonly host: TxnLogHost,
    private readonly producers: ProducerStateManager,
  ) {
    this.state = new PartitionTransactions(producers);
  }

  /**
   * Rebuilds producer and transaction state after the log's segments were recovered: from the
   * last segments, and from every segment recovery rescanned (their .txnindex is rebuilt on
   * the way).
   */
  restore(recovery: RecoveryReport): void {
    const segments = this.host.segments;
    const rescanned = new Set(recovery.rebuiltIndexes);
    const firstRescanned = segments.findIndex((s) => rescanned.has(s.baseOffset));
    const from = Math.max(0, Math.min(segments.length - PRODUCER_STATE_SEGMENTS, firstRescanned < 0 ? Infinity : firstRescanned));
    replayProducerState(segments.slice(from), this.producers, this.state, rescanned);
    this.mayHaveAborts = segments.some((s) => s.txnIndex.entries.length > 0);
  }

  /** First offset of the oldest open transaction, else the log end offset. */
  get lastStableOffset(): number {
    const first = this.state.firstUnstableOffset;
    return first >= 0 ? first : this.host.logEndOffset();
  }

  /**
   * Before a data append is written: true when it takes part in transactions (it carries a
   * transactional batch, or one is open here), after checking it by their rules. Throws what
   * Kafka answers; nothing changes.
   */
  checkData(batches: readonly TxnBatch[]): boolean {
    const transactional = this.state.openCount > 0 || batches.some((b) => b.isTransactional);
    if (transactional) this.state.validate(batches);
    return transactional;
  }

  /** A data batch written at `firstOffset` of an append checkData found transactional. */
  onData(batch: TxnBatch, firstOffset: number): void {
    this.state.onData(batch, firstOffset);
  }

  /**
   * Writes one transaction marker for the producer at the log end and answers its offset: the
   * producer's open transaction here ends, an abort is added to the active segment's .txnindex,
   * and the last stable offset moves.
   */
  appendMarker(marker: TxnMarker, now: number): number {
    this.state.checkMarker(marker);
    const offset = this.host.logEndOffset();
    const bytes = buildControlBatch(marker, now);
    writeBaseOffset(bytes, 0, offset);
    // A marker never rolls by time (Kafka's would, by its wall-clock timestamp): it stays with
    // the segment its transaction's data is in unless the segment is full.
    this.host.write(bytes, [{ position: 0, size: bytes.length, lastOffset: offset, maxTimestamp: now }], now, -Infinity, 'marker append');
    const completed = this.state.onMarker(marker, offset, now);
    if (completed?.aborted) {
      this.mayHaveAborts = true;
      const { producerId, firstOffset, lastOffset, lastStableOffset } = completed;
      const active = this.host.segments[this.host.segments.length - 1]!;
      try {
        active.txnIndex.append({ producerId, firstOffset, lastOffset, lastStableOffset });
      } catch (err) {
        // The marker is in the .log; recovery rebuilds the entry from it after a restart.
        throw new StorageError('STORAGE_ERROR', `transaction index of ${this.host.name}: ${(err as Error).message}`);
      }
    }
    return offset;
  }

  /** See mayHaveAborts: false means no segment of this partition holds an abort. */
  get hasAbortedTransactions(): boolean {
    return this.mayHaveAborts;
  }

  /**
   * Aborted transactions that overlap [fromOffset, upperBoundOffset), from the .txnindex of
   * the segment holding fromOffset and the ones after it, until an entry's LSO shows that no
   * later abort can begin below the bound (Kafka's collectAbortedTransactions).
   */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): { producerId: number; firstOffset: number }[] {
    if (!this.mayHaveAborts) return [];
    const segments = this.host.segments;
    const found: AbortedTxn[] = [];
    for (let i = segmentIndexFor(segments, fromOffset); i < segments.length; i++) {
      if (segments[i]!.txnIndex.collect(fromOffset, upperBoundOffset, found)) break;
    }
    return found.map((e) => ({ producerId: e.producerId, firstOffset: e.firstOffset }));
  }

  /**
   * The bound of a fetch's aborted list when its read ended at `nextOffset`, as Kafka computes
   * it: the first indexed offset at or past the end in that segment, else the next segment's
   * base, else the log end (an upper bound; a client skips what it did not receive).
   */
  abortedUpperBound(nextOffset: number): number {
    const segments = this.host.segments;
    const i = segmentIndexFor(segments, Math.max(nextOffset - 1, 0));
    const indexed = segments[i]!.offsetIndex.firstOffsetAtOrAfter(nextOffset);
    if (indexed >= 0) return indexed;
    return segments[i + 1]?.baseOffset ?? this.host.logEndOffset();
  }

  /** The producers this partition knows, with their open transaction (DescribeProducers). */
  producerStates(): ProducerStateView[] {
    return this.state.producerStates();
  }
}
