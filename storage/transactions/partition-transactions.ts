/**
 * The transactions of one partition, as Kafka's ProducerStateManager keeps them beside the
 * idempotent producer state (producer-state.ts):
 *  - the open transactions: producer id -> first offset of its transaction on this partition,
 *    opened by the producer's first transactional batch, ended by its marker. They open in
 *    offset order, so the Map's first entry is the oldest: the last stable offset is its first
 *    offset, or the log end offset when none is open (one node: the high watermark is the log
 *    end, so a decided transaction is stable at once);
 *  - per producer, the coordinator epoch and time of its last marker (DescribeProducers, and
 *    the check that fences a marker from an older coordinator).
 * What the log refuses, as Kafka's log does:
 *  - a transactional batch without a producer id (INVALID_RECORD);
 *  - a non-transactional batch of a producer whose transaction is open here (INVALID_TXN_STATE);
 *  - a marker with an older producer epoch (INVALID_PRODUCER_EPOCH) or an older coordinator
 *    epoch (TRANSACTION_COORDINATOR_FENCED) than the producer's last.
 * A marker of a producer with no open transaction (an empty transaction) changes only the
 * producer's epochs: no aborted entry, no effect on the LSO (Kafka emits no CompletedTxn).
 */
import { StorageError } from '../errors.js';
import type { ProducerBatch, ProducerStateManager } from '../producer-state.js';
import type { AbortedTxn } from './txn-index.js';
import type { TxnMarker } from './control-batch.js';

export interface TxnBatch extends ProducerBatch {
  isTransactional: boolean;
}

/** A transaction ended by a marker; `lastOffset` is the marker's offset. */
export interface CompletedTxn extends AbortedTxn {
  aborted: boolean;
}

export interface ProducerStateView {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  currentTxnStartOffset: number;
}

interface MarkerSeen {
  coordinatorEpoch: number;
  timestamp: number;
  offset: number;
}

export class PartitionTransactions {
  private readonly open = new Map<number, number>();
  private readonly markers = new Map<number, MarkerSeen>();

  constructor(private readonly producers: ProducerStateManager) {}

  get openCount(): number {
    return this.open.size;
  }

  /** First offset of the oldest open transaction, or -1 when none is open. */
  get firstUnstableOffset(): number {
    if (this.open.size === 0) return -1; // the usual case: no iterator made per fetch
    for (const first of this.open.values()) return first;
    return -1;
  }

  /** Checks a request's batches in order before anything is written (nothing changes). */
  validate(batches: readonly TxnBatch[]): void {
    let openedHere: Set<number> | undefined;
    for (const batch of batches) {
      if (batch.isTransactional) {
        if (batch.producerId < 0) throw new StorageError('INVALID_RECORD', 'a transactional batch must carry a producer id');
        (openedHere ??= new Set()).add(batch.producerId);
      } else if (batch.producerId >= 0 && (this.open.has(batch.producerId) || openedHere?.has(batch.producerId))) {
        throw new StorageError('INVALID_TXN_STATE', `expected a transactional write from producer ${batch.producerId}: its transaction is open on this partition`);
      }
    }
  }

  /** A written data batch: a transactional one opens (or continues) its producer's transaction. */
  onData(batch: TxnBatch, firstOffset: number): void {
    if (batch.isTransactional && !this.open.has(batch.producerId)) this.open.set(batch.producerId, firstOffset);
  }

  /** Throws what Kafka answers for a marker that may not be written. */
  checkMarker(marker: TxnMarker): void {
    const epoch = this.producers.get(marker.producerId)?.epoch;
    if (epoch !== undefined && marker.producerEpoch < epoch) {
      throw new StorageError('INVALID_PRODUCER_EPOCH', `marker of producer ${marker.producerId} has epoch ${marker.producerEpoch}, older than ${epoch}`);
    }
    const seen = this.markers.get(marker.producerId);
    if (seen !== undefined && marker.coordinatorEpoch < seen.coordinatorEpoch) {
      throw new StorageError('TRANSACTION_COORDINATOR_FENCED', `marker of producer ${marker.producerId} from coordinator epoch ${marker.coordinatorEpoch}, older than ${seen.coordinatorEpoch}`);
    }
  }

  /**
   * A written marker at `offset`: ends the producer's open transaction and answers it (with the
   * LSO right after it, for the aborted index), or null for an empty transaction.
   */
  onMarker(marker: TxnMarker, offset: number, timestamp: number): CompletedTxn | null {
    this.producers.recordEpoch(marker.producerId, marker.producerEpoch);
    this.markers.set(marker.producerId, { coordinatorEpoch: marker.coordinatorEpoch, timestamp, offset });
    const firstOffset = this.open.get(marker.producerId);
    if (firstOffset === undefined) return null;
    this.open.delete(marker.producerId);
    const next = this.firstUnstableOffset;
    return { producerId: marker.producerId, firstOffset, lastOffset: offset, lastStableOffset: next >= 0 ? next : offset + 1, aborted: !marker.commit };
  }

  /** Every producer this partition knows (DescribeProducers), ordered by producer id. */
  producerStates(): ProducerStateView[] {
    const out: ProducerStateView[] = [];
    for (const [producerId, entry] of this.producers.entries()) {
      const last = entry.batches[entry.batches.length - 1];
      const marker = this.markers.get(producerId);
      const markerIsLater = marker !== undefined && (last === undefined || marker.offset > last.lastOffset);
      out.push({
        producerId,
        producerEpoch: entry.epoch,
        lastSequence: last === undefined ? -1 : last.lastSeq,
        lastTimestamp: markerIsLater ? marker.timestamp : (last?.maxTimestamp ?? -1),
        coordinatorEpoch: marker?.coordinatorEpoch ?? -1,
        currentTxnStartOffset: this.open.get(producerId) ?? -1,
      });
    }
    return out.sort((a, b) => a.producerId - b.producerId);
  }

  clear(): void {
    this.open.clear();
    this.markers.clear();
  }
}
