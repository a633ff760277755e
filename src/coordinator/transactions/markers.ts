/**
 * Writing the end of a transaction into its partitions: one control batch (a commit or abort
 * marker, Kafka's layout, written by storage's appendControlBatch) per data partition of the
 * transaction. The __consumer_offsets partition a transaction carries (AddOffsetsToTxn) gets no
 * marker: its pending offsets are resolved in the coordinator (txn-offsets.ts).
 *
 * A partition whose topic was deleted meanwhile is skipped (nothing is left to end); any other
 * failure throws, and the transaction stays in its Prepare state until a retry succeeds.
 */
import type { LogManager, TxnMarker as Marker } from '../../../storage/log-manager.js';
import type { TxnPartition } from './txn-state.js';

export type { TxnMarker as Marker } from '../../../storage/log-manager.js';

/** Where markers go; the broker's implementation writes control batches and wakes fetchers. */
export interface MarkerWriter {
  write(tp: TxnPartition, marker: Marker, now: number): void;
}

export class LogMarkerWriter implements MarkerWriter {
  constructor(
    private readonly logs: LogManager,
    private readonly skipTopic: (topic: string) => boolean,
    private readonly onWritten: (tp: TxnPartition) => void,
  ) {}

  write(tp: TxnPartition, marker: Marker, now: number): void {
    if (this.skipTopic(tp.topic)) return;
    const log = this.logs.partition(tp.topic, tp.partition);
    if (!log) return;
    log.appendControlBatch(marker, now);
    this.onWritten(tp);
  }
}
