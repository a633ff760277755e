/**
 * LogManager: every partition of every topic under one data directory, the cluster id, the
 * recovery-point checkpoint and the clean-shutdown marker. The topics themselves and the admin
 * calls over them (create, delete, add partitions, configs, lookups by id) are topic-admin.ts's;
 * this class forwards them, checking first that it is still open.
 *
 * Data directory:
 *   .lock                                   (data-dir-lock.ts; held while open)
 *   meta.properties, topics.json            (topic-store.ts)
 *   recovery-point-offset-checkpoint        (checkpoint.ts)
 *   log-start-offset-checkpoint             (retention/log-start-checkpoint.ts)
 *   cleaner-offset-checkpoint               (cleaner/log-cleaner.ts)
 *   .kafka_cleanshutdown                    (checkpoint.ts; only while stopped cleanly)
 *   <topic>-<partition>/                    partition.metadata + segments (segment.ts)
 *
 * Opening removes the clean-shutdown marker after the logs are loaded, so a crash from then on
 * is recovered as unclean; close() flushes every log, writes the checkpoint, then the marker
 * (closeAsync() first waits for a group-commit round still running).
 *
 * Durability (config.ts has the policies): every sync goes through one group committer
 * (group-commit.ts); `always` partitions make producers wait on it (durableAck), `interval`
 * ones are fed to it by a timer, and a rolled segment is always queued for sync, as Kafka
 * flushes on roll. The recovery-point checkpoint is rewritten every few seconds when a
 * recovery point moved (flush-scheduler.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, hasCleanShutdownMarker, partitionKey, readRecoveryPoints, removeCleanShutdownMarker, writeCleanShutdownMarker, writeRecoveryPoints } from './checkpoint.js';
import { KAFKA_DEFAULTS, type TopicConfigDefaults } from './config.js';
import { DataDirLock } from './data-dir-lock.js';
import { FlushScheduler } from './flush-scheduler.js';
import { GroupCommitter, type GroupCommitStats, type SyncRound } from './group-commit.js';
import { PartitionLog } from './log.js';
import { LogCleaner, type CleanResult } from './cleaner/log-cleaner.js';
import { LogMaintenance } from './retention/log-maintenance.js';
import { SyncLog } from './sync-log.js';
import { TopicAdmin, type PartitionPlace } from './topic-admin.js';
import { loadOrCreateClusterId, type TopicInfo } from './topic-store.js';

export { StorageError, type StorageErrorCode } from './errors.js';
export { DataDirLockedError } from './data-dir-lock.js';
export type { FlushPolicy, TopicConfigDefaults } from './config.js';
export { FLUSH_POLICIES } from './config.js';
export type { GroupCommitStats, SyncRound } from './group-commit.js';
export type { TopicInfo } from './topic-store.js';
export { PartitionLog, type AppendResult, type ReadResult } from './log.js';
export type { TxnMarker } from './transactions/control-batch.js';
export type { ProducerStateView } from './transactions/partition-transactions.js';
export { DeleteRecordsError } from './retention/log-maintenance.js';

export interface LogManagerOptions {
  dataDir: string;
  defaults?: Partial<TopicConfigDefaults>;
  /** How often the recovery-point checkpoint is rewritten when it changed (default 5 s). */
  checkpointIntervalMs?: number;
  /** Background failures (a sync or checkpoint that failed); default: ignored. */
  onBackgroundError?: (err: Error) => void;
  /** Test hook: record every sync in this file (sync-log.ts). */
  syncLogPath?: string;
  /** log.retention.check.interval.ms (default 300000, Kafka's). */
  retentionCheckIntervalMs?: number;
  /** log.cleaner.backoff.ms: the cleaner's sleep when no compacted log is due (default 15000, Kafka's). */
  cleanerBackoffMs?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 5000;

export class LogManager {
  readonly clusterId: string;
  readonly dataDir: string;
  /** True when the previous stop left the clean-shutdown marker. */
  readonly openedAfterCleanShutdown: boolean;
  private readonly admin: TopicAdmin;
  private closed = false;
  private syncLog: SyncLog | null = null;
  private committer!: GroupCommitter;
  private scheduler!: FlushScheduler;
  private lastCheckpoint = '';
  private lock: DataDirLock | null = null;
  /** Retention, DeleteRecords and the log-start checkpoint (storage/retention/). */
  private maintenance!: LogMaintenance;
  /** Compaction of cleanup.policy=compact topics (storage/cleaner/). */
  private cleaner!: LogCleaner;
  private logStartPoints = new Map<string, number>();

  private constructor(dataDir: string, defaults: TopicConfigDefaults, clusterId: string, clean: boolean) {
    this.dataDir = dataDir;
    this.admin = new TopicAdmin({
      dataDir,
      defaults,
      openLog: (place) => this.openPartition(place),
      onDeleted: (name) => {
        this.maintenance.writeCheckpoint(); // a topic made again under this name starts at 0
        this.cleaner.forgetTopic(name);
      },
    });
    this.clusterId = clusterId;
    this.openedAfterCleanShutdown = clean;
  }

  static open(options: LogManagerOptions): LogManager {
    const dataDir = path.resolve(options.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    // Before anything is read or written: another broker on this directory stops us here.
    const lock = DataDirLock.acquire(dataDir);
    const defaults = { ...KAFKA_DEFAULTS, ...definedOnly(options.defaults ?? {}) };
    const clean = hasCleanShutdownMarker(dataDir);
    let manager: LogManager;
    try {
      manager = new LogManager(dataDir, defaults, loadOrCreateClusterId(dataDir), clean);
    } catch (err) {
      lock.release();
      throw err;
    }
    manager.lock = lock;
    const onError = options.onBackgroundError ?? (() => {});
    manager.syncLog = options.syncLogPath ? new SyncLog(options.syncLogPath) : null;
    manager.committer = new GroupCommitter(manager.syncLog, onError);
    const recoveryPoints = readRecoveryPoints(dataDir);
    manager.maintenance = new LogMaintenance({ dataDir, logs: () => manager.allLogs(), retentionCheckIntervalMs: options.retentionCheckIntervalMs, onError });
    manager.logStartPoints = manager.maintenance.logStarts.read();
    manager.cleaner = new LogCleaner({ dataDir, logs: () => manager.allLogs(), onError, backoffMs: options.cleanerBackoffMs });
    manager.admin.load(clean, recoveryPoints);
    removeCleanShutdownMarker(dataDir);
    manager.scheduler = new FlushScheduler(
      () => manager.allLogs(),
      manager.committer,
      () => manager.writeCheckpoint(false),
      options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
      onError,
    );
    manager.scheduler.start();
    manager.maintenance.start();
    manager.cleaner.start();
    return manager;
  }

  // Topic admin: the rules and the order of writes are topic-admin.ts's; refused once closed.
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    this.ensureOpen();
    return this.admin.createTopic(name, partitions, configs);
  }

  deleteTopic(name: string): boolean {
    this.ensureOpen();
    return this.admin.deleteTopic(name);
  }

  alterTopicConfigs(name: string, configs: Record<string, string>): void {
    this.ensureOpen();
    this.admin.alterTopicConfigs(name, configs);
  }

  addPartitions(name: string, count: number): TopicInfo {
    this.ensureOpen();
    return this.admin.addPartitions(name, count);
  }

  setBrokerOverrides(overrides: Record<string, string>): void {
    this.ensureOpen();
    this.admin.setBrokerOverrides(overrides);
  }

  /**
   * DeleteRecords on one partition (retention/log-maintenance.ts has the rules): the low
   * watermark afterwards. Throws DeleteRecordsError with Kafka's error name when refused.
   */
  deleteRecords(log: PartitionLog, offset: number): number {
    this.ensureOpen();
    return this.maintenance.deleteRecords(log, offset);
  }

  /**
   * Cleans `log` now (a compacted topic): when it is due, or whatever its dirty ratio with
   * `force`. Null when nothing was cleaned. The cleaner's timer does this on its own.
   */
  cleanNow(log: PartitionLog, now: number = Date.now(), force = false): Promise<CleanResult | null> {
    this.ensureOpen();
    return this.cleaner.clean(log, now, force);
  }

  /** One retention pass now (the timer runs one every log.retention.check.interval.ms). */
  runRetention(now: number = Date.now()): void {
    this.ensureOpen();
    this.maintenance.runRetention(now);
  }

  // Lookups (topic-admin.ts): the request handlers ask them per request.
  topicById(topicId: Buffer): TopicInfo | undefined {
    return this.admin.topicById(topicId);
  }

  topicNameById(topicId: Buffer): string | undefined {
    return this.admin.topicNameById(topicId);
  }

  getTopic(name: string): TopicInfo | undefined {
    return this.admin.getTopic(name);
  }

  topicConfig(name: string, key: string): string | undefined {
    return this.admin.topicConfig(name, key);
  }

  listTopics(): TopicInfo[] {
    return this.admin.listTopics();
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.admin.partition(topic, index);
  }

  /**
   * Under the `always` policy, a promise that resolves once offsets below `upTo` of `log` are
   * on disk (shared with every other append waiting for the same round); null otherwise.
   */
  durableAck(log: PartitionLog, upTo: number): Promise<void> | null {
    if (log.logConfig.flushPolicy !== 'always') return null;
    return this.committer.whenDurable(log, upTo);
  }

  /** Sync rounds and file syncs so far, against the appends that waited for them. */
  get syncStats(): Readonly<GroupCommitStats> {
    return this.committer.stats;
  }

  /** Tells `observer` of every group-commit sync round from now on (the broker's metrics); null stops. */
  observeSyncRounds(observer: ((round: SyncRound) => void) | null): void {
    this.committer.onRound = observer;
  }

  /** Flushes every log and records the recovery points (without closing). */
  flush(): void {
    this.ensureOpen();
    for (const log of this.allLogs()) log.flush();
    this.writeCheckpoint(true);
    this.committer.settleAll();
  }

  /**
   * close() once no group-commit round is running: the broker's shutdown path. Stopping the
   * timers first means only rounds already asked for (by waiting appends) are waited for.
   */
  async closeAsync(): Promise<void> {
    if (this.closed) return;
    this.scheduler.stop();
    this.maintenance.stop();
    await this.cleaner.stop();
    await this.committer.idle();
    this.close();
  }

  /**
   * Flush + fsync, recovery checkpoint, clean-shutdown marker. Idempotent. Safe while a round
   * is in flight (it skips what closed under it), but closeAsync lets it finish first.
   */
  close(): void {
    if (this.closed) return;
    this.scheduler.stop();
    this.maintenance.stop();
    void this.cleaner.stop(); // a clean in progress gives up at its next slice
    for (const log of this.allLogs()) log.close();
    this.committer.settleAll();
    this.writeCheckpoint(true);
    writeCleanShutdownMarker(this.dataDir);
    this.syncLog?.close();
    this.lock?.release();
    this.closed = true;
  }

  /**
   * Stops timers and nothing else: files stay as they are, no checkpoint, no marker. A test
   * calls it before abandoning a manager to simulate a crash in-process.
   */
  stopBackgroundWork(): void {
    this.scheduler.stop();
    this.maintenance.stop();
    void this.cleaner.stop();
  }

  private allLogs(): PartitionLog[] {
    return this.admin.allLogs();
  }

  /** A partition's log with the durability side attached: its log start, group commit on roll, the sync log. */
  private openPartition(place: PartitionPlace): PartitionLog {
    let log: PartitionLog | undefined;
    log = PartitionLog.open({
      ...place,
      logStartOffset: this.logStartPoints.get(partitionKey(place.topic, place.partition)),
      onRoll: () => {
        if (log !== undefined) this.committer.request(log);
      },
      syncLog: this.syncLog,
    });
    return log;
  }

  /** Rewrites the checkpoint; unless `always`, only when a recovery point moved since the last write. */
  private writeCheckpoint(always: boolean): void {
    const points = this.allLogs().map((log) => ({ topic: log.topic, partition: log.partition, offset: log.recoveryPoint }));
    const key = points.map((p) => `${p.topic} ${p.partition} ${p.offset}`).join('\n');
    if (!always && key === this.lastCheckpoint) return;
    writeRecoveryPoints(this.dataDir, points);
    this.lastCheckpoint = key;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`log manager for ${this.dataDir} is closed (${CLEAN_SHUTDOWN_FILE} written)`);
  }
}

function definedOnly(values: Partial<TopicConfigDefaults>): Partial<TopicConfigDefaults> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
