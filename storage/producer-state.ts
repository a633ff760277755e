/**
 * Idempotent producer state of one partition, following Kafka's ProducerStateManager and
 * ProducerAppendInfo.
 *
 * Per producer id: the epoch and the last five batches appended (first/last sequence,
 * first/last offset, max timestamp). For a batch with producerId >= 0:
 *  - same epoch, same first and last sequence as a cached batch: a duplicate (a retry whose
 *    first attempt was written); not appended, answered with the original offsets;
 *  - epoch below the current one: INVALID_PRODUCER_EPOCH;
 *  - epoch above the current one: the first sequence must be 0, unless no epoch was ever
 *    recorded for the producer (an unknown producer may start at any sequence);
 *  - same epoch: the first sequence must follow the last one (wrapping INT32 max -> 0);
 *  otherwise OUT_OF_ORDER_SEQUENCE.
 * Batches with producerId < 0 are not checked. The state is rebuilt at startup from the batch
 * headers at the tail of the log (no snapshot file).
 */
import { StorageError } from './errors.js';

export const MAX_CACHED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;
const NO_EPOCH = -1;

export interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

/** What storage knows of a batch for producer checks. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
}

export function lastSequenceOf(batch: Pick<ProducerBatch, 'baseSequence' | 'lastOffsetDelta'>): number {
  const last = batch.baseSequence + batch.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function follows(lastSeq: number, firstSeq: number): boolean {
  return firstSeq === (lastSeq === INT32_MAX ? 0 : lastSeq + 1);
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

  /** A cached batch equal to this one, if this batch is a retry of an appended one. */
  findDuplicate(batch: ProducerBatch): CachedBatch | undefined {
    if (batch.producerId < 0) return undefined;
    const entry = this.producers.get(batch.producerId);
    if (entry === undefined || entry.epoch !== batch.producerEpoch) return undefined;
    const lastSeq = lastSequenceOf(batch);
    return entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
  }

  /** Throws the Kafka error for a batch that may not be appended after the current state. */
  validate(batch: ProducerBatch, pending?: Map<number, ProducerEntry>): void {
    if (batch.producerId < 0) return;
    const entry = pending?.get(batch.producerId) ?? this.producers.get(batch.producerId);
    if (entry === undefined) return;
    if (batch.producerEpoch < entry.epoch) {
      throw new StorageError('INVALID_PRODUCER_EPOCH', `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than ${entry.epoch}`);
    }
    const last = entry.batches[entry.batches.length - 1];
    if (batch.producerEpoch > entry.epoch) {
      if (entry.epoch !== NO_EPOCH && batch.baseSequence !== 0) {
        throw new StorageError('OUT_OF_ORDER_SEQUENCE', `producer ${batch.producerId} new epoch ${batch.producerEpoch} must start at sequence 0, not ${batch.baseSequence}`);
      }
      return;
    }
    if (last !== undefined && !follows(last.lastSeq, batch.baseSequence)) {
      throw new StorageError('OUT_OF_ORDER_SEQUENCE', `producer ${batch.producerId} sequence ${batch.baseSequence} does not follow ${last.lastSeq}`);
    }
  }

  /**
   * Validates a list of batches about to be appended together, as if each were appended in
   * turn, without changing the state (so a rejected request leaves nothing behind).
   */
  validateAll(batches: ProducerBatch[]): void {
    if (batches.length === 1) return this.validate(batches[0]!); // the usual request: no pending state to build
    const pending = new Map<number, ProducerEntry>();
    for (const batch of batches) {
      if (batch.producerId < 0) continue;
      this.validate(batch, pending);
      const current = pending.get(batch.producerId) ?? this.producers.get(batch.producerId);
      pending.set(batch.producerId, nextEntry(current, batch, 0));
    }
  }

  /** Records an appended batch (offsets assigned). */
  record(batch: ProducerBatch, firstOffset: number): void {
    if (batch.producerId < 0) return;
    this.producers.set(batch.producerId, nextEntry(this.producers.get(batch.producerId), batch, firstOffset));
  }

  /**
   * A transaction marker of the producer was written: its epoch becomes the marker's (a new
   * epoch forgets the cached batches, as a data batch of a new epoch does).
   */
  recordEpoch(producerId: number, epoch: number): void {
    const entry = this.producers.get(producerId);
    if (entry === undefined || entry.epoch !== epoch) this.producers.set(producerId, { epoch, batches: [] });
  }

  /** Every producer with its epoch and cached batches. */
  entries(): IterableIterator<[number, { epoch: number; batches: readonly CachedBatch[] }]> {
    return this.producers.entries();
  }

  /** The producer's epoch and cached batches (tests and diagnostics). */
  get(producerId: number): { epoch: number; batches: readonly CachedBatch[] } | undefined {
    return this.producers.get(producerId);
  }

  get size(): number {
    return this.producers.size;
  }

  clear(): void {
    this.producers.clear();
  }
}

function nextEntry(current: ProducerEntry | undefined, batch: ProducerBatch, firstOffset: number): ProducerEntry {
  const cached: CachedBatch = {
    firstSeq: batch.baseSequence,
    lastSeq: lastSequenceOf(batch),
    firstOffset,
    lastOffset: firstOffset + batch.lastOffsetDelta,
    maxTimestamp: batch.maxTimestamp,
  };
  const sameEpoch = current !== undefined && current.epoch === batch.producerEpoch;
  const batches = sameEpoch ? [...current.batches, cached] : [cached];
  return { epoch: batch.producerEpoch, batches: batches.slice(-MAX_CACHED_BATCHES) };
}
