/**
 * The background half of the flush policy (log-manager.ts owns one):
 *  - `interval` partitions with unsynced data are handed to the group committer once their
 *    last sync is flush interval old (checked every min(interval) ms, at least every 100 ms);
 *  - the recovery-point checkpoint is rewritten every checkpoint interval when a recovery point
 *    moved, so that after a crash only what was appended since the last sync is scanned.
 * Timers are unref'd: they never keep a process alive. Failures go to `onError`, never up.
 */
import type { GroupCommitter } from './group-commit.js';
import type { PartitionLog } from './log.js';

const MIN_TICK_MS = 5;
const MAX_TICK_MS = 100;

export class FlushScheduler {
  private intervalTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly logs: () => PartitionLog[],
    private readonly committer: GroupCommitter,
    /** Writes the checkpoint if a recovery point moved since the last write. */
    private readonly checkpoint: () => void,
    private readonly checkpointIntervalMs: number,
    private readonly onError: (err: Error) => void,
  ) {}

  start(): void {
    this.scheduleTick();
    this.checkpointTimer = setInterval(() => {
      try {
        this.checkpoint();
      } catch (err) {
        this.onError(err as Error);
      }
    }, this.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.intervalTimer !== null) clearTimeout(this.intervalTimer);
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer);
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    let delay = MAX_TICK_MS;
    for (const log of this.logs()) {
      if (log.logConfig.flushPolicy === 'interval') delay = Math.min(delay, log.logConfig.flushIntervalMs);
    }
    this.intervalTimer = setTimeout(() => this.tick(), Math.max(MIN_TICK_MS, delay));
    this.intervalTimer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const log of this.logs()) {
      const config = log.logConfig;
      if (config.flushPolicy === 'interval' && log.hasUnsynced && now - log.lastSyncAt >= config.flushIntervalMs) {
        this.committer.request(log);
      }
    }
    this.scheduleTick();
  }
}
