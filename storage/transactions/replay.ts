/**
 * Rebuilding a partition's producer and transaction state from its segments when it is
 * opened (Kafka rebuilds from its producer snapshots; Brooklet keeps none and walks the batch
 * headers of the last segments instead).
 *
 * From the first segment replayed to the end, each batch in offset order: a data batch is
 * recorded for the idempotent checks and, when transactional, opens its producer's
 * transaction; a marker ends it. What stays open at the end are the open transactions, which
 * hold the last stable offset back exactly as before the stop.
 *
 * The .txnindex of every segment that recovery rescanned (its .log may have been cut or its
 * tail never indexed: a kill -9 between the marker's write and its index entry) is rewritten
 * from the aborts replayed into it. An abort whose transaction began before the first replayed
 * segment cannot be rebuilt from the walk; its entry is kept from the old index if it was there.
 */
import type { ProducerStateManager } from '../producer-state.js';
import type { Segment } from '../segment.js';
import { readMarker } from './control-batch.js';
import type { PartitionTransactions } from './partition-transactions.js';
import type { AbortedTxn } from './txn-index.js';

export function replayProducerState(
  segments: readonly Segment[],
  producers: ProducerStateManager,
  transactions: PartitionTransactions,
  rescanned: ReadonlySet<number>,
): void {
  producers.clear();
  transactions.clear();
  for (const segment of segments) {
    const rebuild = rescanned.has(segment.baseOffset);
    const previous = rebuild ? segment.txnIndex.entries : [];
    const aborted: AbortedTxn[] = [];
    segment.scan(0, false, (batch) => {
      if (!batch.isControl) {
        producers.record(batch, batch.baseOffset);
        transactions.onData(batch, batch.baseOffset);
        return;
      }
      const marker = readMarker(segment.readRange(batch.position, batch.size));
      if (marker === null) return;
      const { producerId, producerEpoch } = batch;
      const completed = transactions.onMarker({ producerId, producerEpoch, ...marker }, batch.baseOffset, batch.maxTimestamp);
      if (!rebuild || marker.commit) return;
      if (completed !== null) {
        aborted.push({ producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset, lastStableOffset: completed.lastStableOffset });
      } else {
        const kept = previous.find((e) => e.producerId === producerId && e.lastOffset === batch.baseOffset);
        if (kept !== undefined) aborted.push(kept);
      }
    });
    if (rebuild) segment.txnIndex.replaceAll(aborted);
  }
}
