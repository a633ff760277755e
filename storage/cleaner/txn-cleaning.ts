/**
 * What one clean does with transactions, walking the cleaned range in offset order (the rules
 * of Kafka's cleaner, KIP-98 and KIP-534):
 *
 *  - A data batch of an aborted transaction (the .txnindex entries of the log name them: producer
 *    id and [first offset, marker offset]) loses all its records.
 *  - A COMMIT marker may go once no batch of its transaction is left: none was read by this
 *    clean between the transaction's start and the marker (an earlier clean removed them all).
 *  - An ABORT marker may go on the same condition. While batches of its transaction remain (this
 *    clean read some and emptied them), the marker stays and its .txnindex entry is carried into
 *    the cleaned segment; once none remains, the entry goes with the clean (nothing is left for
 *    it to hide from a read_committed consumer).
 *  - A marker that may go is removed only after a delete horizon, as a tombstone is: the first
 *    clean that finds it removable stamps the horizon, now + delete.retention.ms, into the batch
 *    (attributes bit 6, the base timestamp holds it, record timestamps are kept: KIP-534), and a
 *    clean after the horizon removes it. A consumer that read up to the marker within
 *    delete.retention.ms still sees it.
 *
 * A marker is never removed before its transaction's data, so a restart that replays the log
 * (transactions/replay.ts) never finds a transaction without its end: the last stable offset
 * stays where it was. A group's last batch is kept whatever these rules say (clean-partition.ts:
 * the cleaned segment must end where the old ones ended); its marker then goes at a later clean.
 */
import type { ScannedBatch } from '../batch-scan.js';
import type { AbortedTxn } from '../transactions/txn-index.js';
import { CONTROL_BIT, TRANSACTIONAL_BIT } from './batch-filter.js';

export type MarkerFate =
  /** Keep the batch as it is. */
  | { action: 'keep'; abortedEntry?: AbortedTxn }
  /** Keep it, stamped with this delete horizon. */
  | { action: 'stamp'; horizon: number }
  /** Its horizon has passed: remove it. */
  | { action: 'remove' };

export class TxnCleaning {
  /** Aborted transactions not yet reached, by first offset. */
  private readonly pending: AbortedTxn[];
  private next = 0;
  /** Aborted transactions begun and not yet ended in the walk, by producer id; `seen` once one of its batches was read. */
  private readonly ongoingAborted = new Map<number, { entry: AbortedTxn; seen: boolean }>();
  /** Producers with a batch of a committed (not aborted) transaction read since their last marker. */
  private readonly ongoingCommitted = new Set<number>();

  constructor(
    aborted: Iterable<AbortedTxn>,
    private readonly now: number,
    private readonly deleteRetentionMs: number,
  ) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** A data batch: true when it belongs to an aborted transaction (none of its records stay). */
  onData(batch: ScannedBatch): boolean {
    this.reach(batch.lastOffset);
    if ((batch.attributes & TRANSACTIONAL_BIT) === 0) return false;
    const aborted = this.ongoingAborted.get(batch.producerId);
    if (aborted !== undefined && batch.baseOffset <= aborted.entry.lastOffset) {
      aborted.seen = true;
      return true;
    }
    this.ongoingCommitted.add(batch.producerId);
    return false;
  }

  /**
   * A transaction marker (`commit` from its control record; null for a control batch that is not
   * a transaction marker, which is kept) with the delete horizon it carries, if any.
   */
  onMarker(batch: ScannedBatch, commit: boolean | null, horizon: number | null): MarkerFate {
    this.reach(batch.lastOffset);
    if (commit === null) return { action: 'keep' };
    let removable: boolean;
    if (commit) {
      removable = !this.ongoingCommitted.delete(batch.producerId);
    } else {
      const aborted = this.ongoingAborted.get(batch.producerId);
      this.ongoingAborted.delete(batch.producerId);
      this.ongoingCommitted.delete(batch.producerId);
      if (aborted?.seen === true) return { action: 'keep', abortedEntry: aborted.entry };
      removable = true;
    }
    if (!removable) return { action: 'keep' };
    if (horizon === null) return { action: 'stamp', horizon: this.now + this.deleteRetentionMs };
    return horizon <= this.now ? { action: 'remove' } : { action: 'keep' };
  }

  /** Aborted transactions whose first offset is at or below `offset` are now under way. */
  private reach(offset: number): void {
    while (this.next < this.pending.length && this.pending[this.next]!.firstOffset <= offset) {
      const entry = this.pending[this.next++]!;
      this.ongoingAborted.set(entry.producerId, { entry, seen: false });
    }
  }
}

/** Whether a data batch lies in one of the `aborted` transactions (by producer id and offset range). */
export function abortedBatchTest(aborted: Iterable<AbortedTxn>): (batch: ScannedBatch) => boolean {
  const ranges = new Map<number, AbortedTxn[]>();
  for (const entry of aborted) {
    const list = ranges.get(entry.producerId);
    if (list === undefined) ranges.set(entry.producerId, [entry]);
    else list.push(entry);
  }
  return (batch) => {
    if ((batch.attributes & TRANSACTIONAL_BIT) === 0 || (batch.attributes & CONTROL_BIT) !== 0) return false;
    return ranges.get(batch.producerId)?.some((r) => r.firstOffset <= batch.baseOffset && batch.baseOffset <= r.lastOffset) ?? false;
  };
}
