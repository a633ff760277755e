/**
 * Group commit: many appends, one fdatasync per file.
 *
 * Under the `always` policy a producer's acknowledgement waits until its batch is on disk.
 * Syncing per request would cap a partition at one request per disk flush. Instead a waiter
 * registers the offset it needs durable (`whenDurable`); one round syncs every partition with
 * waiters, on the thread pool, while the event loop goes on appending; when the round ends,
 * every waiter its snapshot covers is released, and whatever arrived meanwhile forms the next
 * round. So concurrent producers share syncs: the busier the broker, the more appends each
 * sync carries. `stats` counts rounds and file syncs against waiters (tests compare them).
 *
 * Rounds are also requested without waiters: after a roll (the sealed segment), by the
 * `interval` timer, so every sync in the process goes through this one queue.
 */
import { StorageError } from './errors.js';
import type { PartitionLog } from './log.js';
import type { SyncLog } from './sync-log.js';
import { syncSnapshot } from './unsynced.js';

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface GroupCommitStats {
  /** Sync rounds run. */
  rounds: number;
  /** Files (and directories) fdatasync'd, over all rounds. */
  fileSyncs: number;
  /** whenDurable calls that had to wait for a round. */
  waiters: number;
}

/** One finished sync round, for the broker's metrics. */
export interface SyncRound {
  /** Files and directories synced. */
  files: number;
  /** Appends (waiters) that were waiting when the round began. */
  appends: number;
  seconds: number;
}

export class GroupCommitter {
  readonly stats: GroupCommitStats = { rounds: 0, fileSyncs: 0, waiters: 0 };
  /** Told of each round after it ends (metrics); null when nobody listens. */
  onRound: ((round: SyncRound) => void) | null = null;
  private readonly waiting = new Map<PartitionLog, Waiter[]>();
  private readonly requested = new Set<PartitionLog>();
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly syncLog: SyncLog | null,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Resolves once offsets below `upTo` of `log` are on disk; rejects with STORAGE_ERROR if the sync fails. */
  whenDurable(log: PartitionLog, upTo: number): Promise<void> {
    if (log.recoveryPoint >= upTo) return Promise.resolve();
    this.stats.waiters++;
    return new Promise<void>((resolve, reject) => {
      const list = this.waiting.get(log) ?? [];
      list.push({ upTo, resolve, reject });
      this.waiting.set(log, list);
      this.request(log);
    });
  }

  /** Asks for `log` to be synced in the next round. */
  request(log: PartitionLog): void {
    this.requested.add(log);
    if (this.scheduled || this.running !== null) return; // the running round schedules the next
    this.scheduled = true;
    // setImmediate: appends from every request already read in this turn join the round.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.round().finally(() => {
        this.running = null;
        if (this.requested.size > 0) this.request(this.requested.values().next().value!);
      });
    });
  }

  /** Waits for the round in progress and any it schedules (LogManager.closeAsync, before its final sync). */
  async idle(): Promise<void> {
    while (this.running !== null || this.scheduled) await (this.running ?? new Promise((r) => setImmediate(r)));
  }

  /** Releases waiters whose offsets are durable now (after a synchronous flush at close). */
  settleAll(): void {
    for (const log of [...this.waiting.keys()]) this.settle(log, null);
  }

  private async round(): Promise<void> {
    const logs = [...this.requested];
    this.requested.clear();
    this.stats.rounds++;
    const started = performance.now();
    const filesBefore = this.stats.fileSyncs;
    let appends = 0;
    for (const log of logs) appends += this.waiting.get(log)?.length ?? 0;
    await Promise.all(
      logs.map(async (log) => {
        const snapshot = log.syncSnapshot();
        if (snapshot === null) return this.settle(log, null);
        try {
          this.stats.fileSyncs += await syncSnapshot(snapshot, this.syncLog);
          if (!log.isClosed) log.markSynced(snapshot);
          this.settle(log, null);
        } catch (err) {
          // Closed (or deleted) while this round ran: close synced everything itself and settled
          // the waiters, so whatever this late sync met (a removed file) is no failure of anyone's.
          if (log.isClosed) return this.settle(log, null);
          const failure = new StorageError('STORAGE_ERROR', `sync of ${log.topic}-${log.partition} failed: ${(err as Error).message}`);
          this.onError(failure);
          this.settle(log, failure);
        }
      }),
    );
    this.onRound?.({ files: this.stats.fileSyncs - filesBefore, appends, seconds: (performance.now() - started) / 1000 });
  }

  /**
   * Resolves the waiters now covered. A failed sync fails every waiter of the partition: the
   * producer gets KAFKA_STORAGE_ERROR and retries, rather than waiting on a disk that refuses.
   */
  private settle(log: PartitionLog, failure: Error | null): void {
    const list = this.waiting.get(log);
    if (list === undefined) return;
    const left: Waiter[] = [];
    for (const waiter of list) {
      if (failure !== null) waiter.reject(failure);
      else if (log.recoveryPoint >= waiter.upTo) waiter.resolve();
      else left.push(waiter);
    }
    if (left.length === 0) {
      this.waiting.delete(log);
      return;
    }
    this.waiting.set(log, left);
    // A closed or deleted partition will never sync again: its waiters fail rather than hang.
    if (log.syncSnapshot() === null && log.recoveryPoint < left[0]!.upTo) {
      this.waiting.delete(log);
      for (const waiter of left) waiter.reject(new StorageError('STORAGE_ERROR', `${log.topic}-${log.partition} closed before its data was synced`));
      return;
    }
    this.requested.add(log);
  }
}
