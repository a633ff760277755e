/**
 * The log cleaner: picks the compacted partition (cleanup.policy compact, or compact,delete)
 * with the dirtiest log that is due (clean-plan.ts), cleans it (clean-partition.ts), and
 * repeats until none is due; then waits log.cleaner.backoff.ms (Kafka's 15 s) and looks again.
 * One clean at a time, off the request path in time slices. __consumer_offsets, _schemas and
 * __transaction_state are compacted topics like any other, so they are cleaned too.
 *
 * Where each partition's last clean ended is kept in `<dataDir>/cleaner-offset-checkpoint`,
 * Kafka's file and format (checkpoint.ts): the dirty ratio after a restart counts only what was
 * written since. A lost or stale entry only makes the next clean redo work.
 */
import path from 'node:path';
import { formatOffsetCheckpoint, partitionKey, readOffsetCheckpoint } from '../checkpoint.js';
import { writeFileAtomicAsync } from './swap.js';
import type { PartitionLog } from '../log.js';
import { planClean, shouldClean, type CleanPlan } from './clean-plan.js';
import { CleanAborted, PartitionClean, type CleanStats } from './clean-partition.js';

export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
/** Kafka's log.cleaner.backoff.ms. */
export const DEFAULT_CLEANER_BACKOFF_MS = 15_000;
const DEFAULT_MAX_MAP_ENTRIES = 1_000_000;
const DEFAULT_SLICE_MS = 4;

export interface LogCleanerOptions {
  dataDir: string;
  logs: () => PartitionLog[];
  onError: (err: Error) => void;
  backoffMs?: number;
  maxMapEntries?: number;
  sliceMs?: number;
  /** Told of each finished clean (logs, metrics, tests). */
  onClean?: (log: PartitionLog, stats: CleanStats) => void;
}

export interface CleanResult {
  log: PartitionLog;
  plan: CleanPlan;
  stats: CleanStats;
}

export class LogCleaner {
  private readonly file: string;
  private readonly checkpoints: Map<string, number>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private checkpointWrite: Promise<void> = Promise.resolve();

  constructor(private readonly options: LogCleanerOptions) {
    this.file = path.join(options.dataDir, CLEANER_CHECKPOINT_FILE);
    this.checkpoints = readOffsetCheckpoint(this.file);
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.options.backoffMs ?? DEFAULT_CLEANER_BACKOFF_MS);
  }

  /** Stops the timer; a clean in progress gives up at its next slice. Resolves once it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The plan for `log` now: what a clean would cover and whether it is due. */
  plan(log: PartitionLog, now: number = Date.now()): CleanPlan {
    return planClean({
      segments: log.segmentList,
      logStartOffset: log.logStartOffset,
      lastStableOffset: log.lastStableOffset,
      checkpoint: this.checkpoints.get(partitionKey(log.topic, log.partition)) ?? -1,
      config: log.logConfig,
      now,
    });
  }

  /** Cleans every due partition, dirtiest first, once each. */
  async cleanDue(now: number = Date.now()): Promise<CleanResult[]> {
    const due = this.options
      .logs()
      .filter((log) => !log.isClosed && log.logConfig.cleanupPolicy.compact)
      .map((log) => ({ log, plan: this.plan(log, now) }))
      .filter(({ log, plan }) => shouldClean(plan, log.logConfig))
      .sort((a, b) => b.plan.dirtyRatio - a.plan.dirtyRatio);
    const results: CleanResult[] = [];
    for (const { log } of due) {
      const result = await this.clean(log, now, false);
      if (result !== null) results.push(result);
    }
    return results;
  }

  /**
   * Cleans `log` now if it is due (or whatever its ratio with `force`); null when there was
   * nothing to clean or the clean gave up (the log is then as it was).
   */
  async clean(log: PartitionLog, now: number = Date.now(), force = false): Promise<CleanResult | null> {
    const plan = this.plan(log, now);
    if (plan.dirtyBytes === 0 || (!force && !shouldClean(plan, log.logConfig))) return null;
    const job = new PartitionClean(log, plan, {
      now,
      maxMapEntries: this.options.maxMapEntries ?? DEFAULT_MAX_MAP_ENTRIES,
      sliceMs: this.options.sliceMs ?? DEFAULT_SLICE_MS,
      keepGoing: () => !this.stopped || force,
    });
    try {
      const stats = await job.run();
      this.checkpoints.set(partitionKey(log.topic, log.partition), stats.endOffset);
      await this.writeCheckpoint();
      // Kept whole, a batch that could not be decoded loses nothing; still, someone should know.
      if (stats.undecodableBatches > 0) this.options.onError(new Error(`clean of ${log.topic}-${log.partition} kept ${stats.undecodableBatches} undecodable batch(es) whole, the first at ${stats.firstUndecodable}`));
      this.options.onClean?.(log, stats);
      return { log, plan, stats };
    } catch (err) {
      if (!(err instanceof CleanAborted)) this.options.onError(new Error(`clean of ${log.topic}-${log.partition} failed: ${(err as Error).message}`));
      return null;
    }
  }

  /** A deleted topic's partitions start over if a topic of that name is made again. */
  forgetTopic(topic: string): void {
    for (const key of [...this.checkpoints.keys()]) if (key.slice(0, key.lastIndexOf(' ')) === topic) this.checkpoints.delete(key);
  }

  /**
   * Kafka's offset checkpoint format (checkpoint.ts), written atomically on the thread pool (temp
   * file, fsync, rename, directory fsync): two fsyncs on the event loop at the end of every clean
   * were one of its longest stalls on a busy disk. Writes are chained, so two never interleave.
   */
  private writeCheckpoint(): Promise<void> {
    const live = new Set(this.options.logs().map((log) => partitionKey(log.topic, log.partition)));
    for (const key of [...this.checkpoints.keys()]) if (!live.has(key)) this.checkpoints.delete(key);
    const text = formatOffsetCheckpoint(
      [...this.checkpoints].map(([key, offset]) => {
        const at = key.lastIndexOf(' ');
        return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset };
      }),
    );
    this.checkpointWrite = this.checkpointWrite.then(() => writeFileAtomicAsync(this.file, text));
    return this.checkpointWrite;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.cleanDue()
        .then(() => undefined, (err: Error) => this.options.onError(err))
        .finally(() => {
          this.running = null;
          this.schedule(this.options.backoffMs ?? DEFAULT_CLEANER_BACKOFF_MS);
        });
    }, delay);
    this.timer.unref();
  }
}
