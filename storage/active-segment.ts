/**
 * Writing at a partition's log end: batches go to the active segment (the last), which rolls
 * first when it must, as Kafka's LogSegment.shouldRoll and LocalLog.roll decide:
 *  - the batches would take it past segment.bytes;
 *  - it is older than segment.ms (by record timestamps once it holds records, see
 *    Segment.timeWaitedForRoll);
 *  - their last offset is too far from its base for a 4-byte relative index entry.
 * An empty active segment never rolls. A roll opens the new segment's files before sealing the
 * old one, so a failure to create them (disk full) changes nothing. Data appends (log.ts) and
 * transaction markers (transactions/log-transactions.ts) both write through here.
 */
import type { LogConfig } from './config.js';
import { StorageError } from './errors.js';
import type { BatchPlacement } from './index-cadence.js';
import { Segment } from './segment.js';
import type { UnsyncedData } from './unsynced.js';

export interface ActiveSegmentOptions {
  dir: string;
  /** `topic-partition`, for error messages. */
  name: string;
  /** The partition's segments, oldest first; a roll pushes the new one onto this array. */
  segments: Segment[];
  unsynced: UnsyncedData;
  /** The config in force now (topic configs change at run time). */
  config: () => LogConfig;
  /** Called after a roll: the sealed segment should be synced soon (Kafka flushes on roll). */
  onRoll: () => void;
}

export class ActiveSegmentWriter {
  constructor(private readonly options: ActiveSegmentOptions) {}

  get active(): Segment {
    const segments = this.options.segments;
    return segments[segments.length - 1]!;
  }

  /**
   * Writes batches whose offsets are assigned, rolling first when needed; `what` names the
   * write in its error. A marker passes -Infinity as its max timestamp: it never rolls by time.
   */
  write(records: Buffer, placements: BatchPlacement[], now: number, incomingMaxTimestamp: number, what: string): void {
    this.maybeRoll(records.length, placements[placements.length - 1]!.lastOffset, now, incomingMaxTimestamp);
    try {
      this.active.append(records, placements);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `${what} to ${this.options.name} failed: ${(err as Error).message}`);
    }
  }

  /** Seals a non-empty active segment and starts an empty one at the log end. */
  roll(now: number): void {
    if (this.active.size > 0) this.rollActive(now);
  }

  private maybeRoll(incomingBytes: number, lastOffset: number, now: number, incomingMaxTimestamp: number): void {
    const active = this.active;
    if (active.size === 0) return;
    const config = this.options.config();
    const full = active.size + incomingBytes > config.segmentBytes;
    const old = active.timeWaitedForRoll(now, incomingMaxTimestamp) > config.segmentMs;
    if (!full && !old && active.canHoldOffset(lastOffset)) return;
    this.rollActive(now);
  }

  private rollActive(now: number): void {
    const { dir, segments, unsynced, name } = this.options;
    const active = this.active;
    const config = this.options.config();
    // The new segment's files first: if they cannot be created (disk full), nothing changed.
    let next: Segment;
    try {
      next = Segment.open(dir, active.nextOffset, config.indexIntervalBytes, now, config.segmentBytes);
    } catch (err) {
      throw new StorageError('STORAGE_ERROR', `roll of ${name} failed: ${(err as Error).message}`);
    }
    active.seal();
    unsynced.onRoll(active);
    segments.push(next);
    this.options.onRoll();
  }
}
