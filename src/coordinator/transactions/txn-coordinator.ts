/**
 * The transaction coordinator of a single-node broker (Kafka's TransactionCoordinator for the
 * v1 flow): every transactional id is coordinated here, at coordinator epoch 0.
 *
 * - InitProducerId: a new id gets a fresh producer id at epoch 0; every later init bumps the
 *   epoch (a new producer id once the epoch is exhausted), which fences the older producer. An
 *   init while a transaction is open fences it: the epoch is bumped, the transaction aborted
 *   with that epoch, and the init answered CONCURRENT_TRANSACTIONS; the client's retry then
 *   gets the next epoch. A timeout above transaction.max.timeout.ms (or not positive) is
 *   INVALID_TRANSACTION_TIMEOUT.
 * - AddPartitionsToTxn / AddOffsetsToTxn open the transaction (Ongoing) and add to it.
 * - EndTxn: the decision (PrepareCommit/PrepareAbort) is written to __transaction_state first,
 *   then the group offsets (on commit) and a marker on every partition, then CompleteCommit/
 *   CompleteAbort. At startup a transaction found in a Prepare state is completed the same way,
 *   so a crash anywhere ends it on all its partitions or none.
 * - Transactions open past their timeout are aborted by a periodic sweep (epoch bumped first,
 *   as Kafka's abortTimedOutTransactions), which also retries markers that failed to write.
 * Errors are Kafka's codes in their newest form (PRODUCER_FENCED); handlers downgrade them for
 * older versions. The checks follow TransactionCoordinator and TransactionMetadata.
 */
import type { Logger } from 'pino';
import { ErrorCode } from '../../../protocol/index.js';
import type { CommitEntry } from '../offsets.js';
import type { MarkerWriter } from './markers.js';
import type { TxnLogValue } from './txn-records.js';
import { fromLog, toLog } from './txn-snapshot.js';
import { PendingTxnOffsets, type GroupOffsetSink } from './txn-offsets.js';
import { bumpEpoch, isPreparing, MAX_EPOCH, partitionKey, TxnState, type TxnMetadata, type TxnPartition } from './txn-state.js';

export const COORDINATOR_EPOCH = 0;

export interface TxnCoordinatorConfig {
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutIntervalMs: number;
  /** transactional.id.expiration.ms: an id idle this long with no open transaction is removed. */
  idExpirationMs: number;
}

export const TXN_DEFAULTS: TxnCoordinatorConfig = { maxTimeoutMs: 900_000, abortTimedOutIntervalMs: 10_000, idExpirationMs: 604_800_000 };

/** The durable log the coordinator writes through (txn-log.ts; a fake in unit tests). */
export interface TxnStateStore {
  append(transactionalId: string, value: TxnLogValue | null, now: number): Promise<void> | null;
  replay(visit: (transactionalId: string, value: TxnLogValue | null) => void, onSkip: (where: string, err: unknown) => void): number;
}

export interface TxnDeps {
  store: TxnStateStore;
  markers: MarkerWriter;
  groupOffsets: GroupOffsetSink;
  allocateProducerId: () => number;
  /** The __consumer_offsets partition of a group (AddOffsetsToTxn adds it to the transaction). */
  offsetsPartitionOf: (groupId: string) => TxnPartition;
  logger: Logger;
  now?: () => number;
}

export interface InitResult { errorCode: number; producerId: number; producerEpoch: number }

export class TransactionCoordinator {
  readonly txns = new Map<string, TxnMetadata>();
  readonly pendingOffsets = new PendingTxnOffsets();
  private readonly now: () => number;
  private sweep: NodeJS.Timeout | null = null;
  /** The sync of the last state record written (`always` flush policy only), until a handler takes it. */
  private lastSync: Promise<boolean> | null = null;

  constructor(private readonly deps: TxnDeps, readonly config: TxnCoordinatorConfig = TXN_DEFAULTS) {
    this.now = deps.now ?? Date.now;
  }

  /** Replays __transaction_state and completes every transaction caught between decision and markers. */
  load(): void {
    const count = this.deps.store.replay((id, value) => {
      if (value === null) this.txns.delete(id);
      else this.txns.set(id, fromLog(id, value));
    }, (where, err) => this.deps.logger.warn({ err, where }, 'skipped an unreadable transaction state record'));
    if (count > 0) this.deps.logger.info({ records: count, transactionalIds: this.txns.size }, 'transaction state loaded');
    for (const txn of this.txns.values()) {
      for (const [groupId, entries] of txn.restoredOffsets ?? []) this.pendingOffsets.replace(groupId, txn.producerId, entries);
      delete txn.restoredOffsets;
      if (isPreparing(txn.state)) this.tryComplete(txn, txn.state === TxnState.PrepareCommit);
    }
  }

  /**
   * Under the `always` flush policy: resolves (true, or false when the sync failed) once every
   * state record written so far is on disk, for a handler to answer only then, as OffsetCommit
   * does; null when nothing waits. The topic has one partition, so the last sync covers all.
   */
  takeSync(): Promise<boolean> | null {
    const sync = this.lastSync;
    this.lastSync = null;
    return sync;
  }

  /** Starts the periodic sweep (timed-out transactions, markers to retry). */
  start(): void {
    this.sweep = setInterval(() => this.abortTimedOut(), this.config.abortTimedOutIntervalMs);
    this.sweep.unref();
  }

  close(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  initProducerId(id: string, timeoutMs: number, expectedPid: number, expectedEpoch: number): InitResult {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (id === '') return fail(ErrorCode.INVALID_REQUEST);
    if (!(timeoutMs > 0 && timeoutMs <= this.config.maxTimeoutMs)) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const now = this.now();
    const txn = this.txns.get(id);
    if (!txn) {
      const fresh: TxnMetadata = {
        transactionalId: id, producerId: this.deps.allocateProducerId(), producerEpoch: 0, lastProducerId: -1, lastProducerEpoch: -1,
        timeoutMs, state: TxnState.Empty, partitions: new Map(), groups: new Set(), lastUpdateMs: now, startMs: -1,
      };
      if (!this.persist(fresh)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.txns.set(id, fresh);
      return { errorCode: ErrorCode.NONE, producerId: fresh.producerId, producerEpoch: 0 };
    }
    if (expectedPid !== -1) {
      const current = expectedPid === txn.producerId && expectedEpoch === txn.producerEpoch;
      const retried = expectedPid === txn.lastProducerId && expectedEpoch === txn.lastProducerEpoch;
      if (retried && !current) return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
      if (!current) return fail(ErrorCode.PRODUCER_FENCED);
    }
    if (isPreparing(txn.state)) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (txn.state === TxnState.Ongoing) {
      // The open transaction belongs to the producer being replaced: fence it, abort it.
      this.fenceAndAbort(txn);
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    const next: TxnMetadata = { ...txn, timeoutMs, state: TxnState.Empty, partitions: new Map(), groups: new Set(), lastUpdateMs: now, startMs: -1 };
    bumpEpoch(next, this.deps.allocateProducerId);
    if (!this.persist(next)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.txns.set(id, next);
    return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  /** The check every request of an open transaction makes first; NONE when the producer may go on. */
  checkProducer(id: string, producerId: number, producerEpoch: number): number {
    if (id === '') return ErrorCode.INVALID_REQUEST;
    const txn = this.txns.get(id);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (isPreparing(txn.state)) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (txn.state === TxnState.Dead) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    return ErrorCode.NONE;
  }

  /** AddPartitionsToTxn (v0-3): one code for the whole request; the partitions exist. */
  addPartitions(id: string, producerId: number, producerEpoch: number, partitions: TxnPartition[], groupId?: string): number {
    const error = this.checkProducer(id, producerId, producerEpoch);
    if (error !== ErrorCode.NONE) return error;
    const txn = this.txns.get(id)!;
    const added = partitions.filter((p) => !txn.partitions.has(partitionKey(p.topic, p.partition)));
    if (txn.state === TxnState.Ongoing && added.length === 0 && (groupId === undefined || txn.groups.has(groupId))) return ErrorCode.NONE;
    const next = this.opened(txn);
    if (groupId !== undefined) next.groups.add(groupId);
    for (const p of added) next.partitions.set(partitionKey(p.topic, p.partition), { topic: p.topic, partition: p.partition });
    if (!this.persist(next)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    this.txns.set(id, next);
    return ErrorCode.NONE;
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. */
  addOffsets(id: string, producerId: number, producerEpoch: number, groupId: string): number {
    return this.addPartitions(id, producerId, producerEpoch, [this.deps.offsetsPartitionOf(groupId)], groupId);
  }

  /** TxnOffsetCommit: offsets held until the transaction ends (txn-offsets.ts). */
  txnOffsetCommit(id: string, groupId: string, producerId: number, producerEpoch: number, entries: CommitEntry[]): number {
    const txn = this.txns.get(id);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch !== txn.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (txn.state !== TxnState.Ongoing || !txn.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE;
    // Held in the transaction's state record, so they survive a restart with it.
    const before = this.pendingOffsets.peek(groupId, producerId);
    this.pendingOffsets.add(groupId, producerId, entries);
    if (this.persist({ ...txn, lastUpdateMs: this.now() })) return ErrorCode.NONE;
    this.pendingOffsets.replace(groupId, producerId, before);
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }

  /**
   * Whether a producer may append a transactional batch to a partition (v1 flow: the partition
   * must have been added to the open transaction); NONE, or the code Produce answers.
   */
  verifyProduce(id: string | null, producerId: number, producerEpoch: number, topic: string, partition: number): number {
    const txn = id === null ? undefined : this.txns.get(id);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch < txn.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (producerEpoch > txn.producerEpoch || txn.state !== TxnState.Ongoing) return ErrorCode.INVALID_TXN_STATE;
    return txn.partitions.has(partitionKey(topic, partition)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
  }

  /** EndTxn (v0-4). */
  endTxn(id: string, producerId: number, producerEpoch: number, commit: boolean): number {
    if (id === '') return ErrorCode.INVALID_REQUEST;
    const txn = this.txns.get(id);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    switch (txn.state) {
      case TxnState.Ongoing: break;
      case TxnState.CompleteCommit: return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case TxnState.CompleteAbort: return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case TxnState.PrepareCommit: return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case TxnState.PrepareAbort: return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      case TxnState.PrepareEpochFence: return ErrorCode.CONCURRENT_TRANSACTIONS;
      case TxnState.Dead: return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
      default: return ErrorCode.INVALID_TXN_STATE; // Empty: nothing to end
    }
    const prepared: TxnMetadata = { ...txn, state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, lastUpdateMs: this.now() };
    if (!this.persist(prepared)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    this.txns.set(id, prepared);
    this.tryComplete(prepared, commit);
    return ErrorCode.NONE;
  }

  /**
   * One sweep: aborts every transaction open past its timeout, retries unfinished markers, and
   * removes ids idle past transactional.id.expiration.ms (a tombstone in the log), which bounds
   * the state a stream of new transactional ids can leave behind.
   */
  abortTimedOut(now = this.now()): number {
    let aborted = 0;
    for (const txn of [...this.txns.values()]) {
      if (isPreparing(txn.state)) this.tryComplete(txn, txn.state === TxnState.PrepareCommit);
      else if (txn.state !== TxnState.Ongoing && txn.lastUpdateMs + this.config.idExpirationMs <= now) this.expire(txn);
      else if (txn.state === TxnState.Ongoing && txn.startMs + txn.timeoutMs < now) {
        this.deps.logger.info({ transactionalId: txn.transactionalId, producerId: txn.producerId, timeoutMs: txn.timeoutMs }, 'aborting a timed-out transaction');
        this.fenceAndAbort(txn);
        aborted++;
      }
    }
    return aborted;
  }

  private expire(txn: TxnMetadata): void {
    if (this.write(txn.transactionalId, null, this.now())) this.txns.delete(txn.transactionalId);
  }

  /** Bumps the epoch (fencing the producer that opened the transaction) and aborts with it. */
  private fenceAndAbort(txn: TxnMetadata): void {
    // lastProducerId cleared: the fenced producer's retried init must not pass for the current one.
    const fenced: TxnMetadata = { ...txn, state: TxnState.PrepareAbort, lastUpdateMs: this.now(), lastProducerId: -1, lastProducerEpoch: -1 };
    if (fenced.producerEpoch < MAX_EPOCH) fenced.producerEpoch++; // an exhausted epoch aborts as it is
    if (!this.persist(fenced)) return;
    this.txns.set(txn.transactionalId, fenced);
    this.tryComplete(fenced, false);
  }

  /** Offsets, markers, then the Complete record; on failure the Prepare state stays for a retry. */
  private tryComplete(txn: TxnMetadata, commit: boolean): void {
    const now = this.now();
    try {
      for (const groupId of txn.groups) {
        const entries = this.pendingOffsets.take(groupId, txn.producerId);
        if (commit && entries.length > 0) this.deps.groupOffsets.commitTransactionalOffsets(groupId, entries);
      }
      const marker = { producerId: txn.producerId, producerEpoch: txn.producerEpoch, commit, coordinatorEpoch: COORDINATOR_EPOCH };
      for (const tp of txn.partitions.values()) this.deps.markers.write(tp, marker, now);
    } catch (err) {
      this.deps.logger.error({ err, transactionalId: txn.transactionalId }, 'could not write transaction markers; retrying later');
      return;
    }
    const done: TxnMetadata = {
      ...txn, state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: new Map(), groups: new Set(), lastUpdateMs: now,
    };
    if (this.persist(done)) this.txns.set(txn.transactionalId, done);
  }

  /** A copy in state Ongoing (the start time set when a new transaction begins). */
  private opened(txn: TxnMetadata): TxnMetadata {
    const now = this.now();
    const starting = txn.state !== TxnState.Ongoing;
    return {
      ...txn, state: TxnState.Ongoing, partitions: new Map(txn.partitions), groups: new Set(txn.groups),
      lastUpdateMs: now, startMs: starting ? now : txn.startMs,
    };
  }

  private persist(txn: TxnMetadata): boolean {
    return this.write(txn.transactionalId, toLog(txn, (groupId) => this.pendingOffsets.peek(groupId, txn.producerId)), txn.lastUpdateMs);
  }

  /** Appends one state record (null: a tombstone); false when the log could not take it. */
  private write(id: string, value: TxnLogValue | null, now: number): boolean {
    try {
      const sync = this.deps.store.append(id, value, now);
      if (sync) {
        this.lastSync = sync.then(() => true, (err: unknown) => {
          this.deps.logger.error({ err, transactionalId: id }, 'transaction state sync failed');
          return false;
        });
      }
      return true;
    } catch (err) {
      this.deps.logger.error({ err, transactionalId: id }, 'could not write transaction state');
      return false;
    }
  }
}
