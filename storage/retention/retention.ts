/**
 * Retention: which of a partition's oldest segments are deleted, as Kafka's UnifiedLog decides
 * (deleteOldSegments), in three passes applied one after the other:
 *   1. retention.ms    a segment whose newest record (its largest timestamp; the file's mtime
 *                      when it has none) is more than retention.ms old;
 *   2. retention.bytes while the partition (every segment, the active one included) is larger
 *                      than retention.bytes, the oldest segment whose removal keeps it at or
 *                      above the limit;
 *   3. log start       a segment wholly below the log start offset (DeleteRecords moved it): the
 *                      segment after it starts at or below the log start.
 * Passes 1 and 2 apply only under cleanup.policy delete (compact,delete included); pass 3 always.
 * Each pass walks from the oldest segment and stops at the first one it keeps, so only a prefix
 * is ever deleted and offsets stay contiguous from the new log start.
 *
 * Only whole segments go. When every segment breaches (the active one holds data and is itself
 * past retention), the active segment is first rolled, as Kafka rolls it, so what is deleted is
 * always sealed and an empty active segment at the log end remains. The log start then moves to
 * the first kept segment's base offset.
 */
import type { LogConfig } from '../config.js';
import type { PartitionLog } from '../log.js';

/** What retention needs to know of a segment. */
export interface SegmentView {
  baseOffset: number;
  size: number;
  /** Largest record timestamp, or the file's mtime when there is none. */
  largestTimestamp: number;
}

export type RetentionReason = 'retention.ms' | 'retention.bytes' | 'log start';

export interface RetentionDecision {
  /** How many of the oldest segments go (the active one included when `count` is all of them). */
  count: number;
  reason: RetentionReason;
}

/** How many of the oldest segments the predicate lets go (Kafka's deletableSegments); an empty active segment never. */
export function deletablePrefix<T extends Pick<SegmentView, 'size'>>(segments: readonly T[], breaches: (segment: T, next: T | undefined) => boolean): number {
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    if (next === undefined && segment.size === 0) break;
    if (!breaches(segment, next)) break;
    count++;
  }
  return count;
}

export function byTime(segments: readonly SegmentView[], config: Pick<LogConfig, 'retentionMs'>, now: number): number {
  if (config.retentionMs < 0 || !Number.isFinite(config.retentionMs)) return 0;
  return deletablePrefix(segments, (segment) => now - segment.largestTimestamp > config.retentionMs);
}

export function bySize(segments: readonly SegmentView[], config: Pick<LogConfig, 'retentionBytes'>): number {
  if (config.retentionBytes < 0 || !Number.isFinite(config.retentionBytes)) return 0;
  let excess = segments.reduce((sum, s) => sum + s.size, 0) - config.retentionBytes;
  if (excess <= 0) return 0;
  return deletablePrefix(segments, (segment) => {
    if (excess - segment.size < 0) return false;
    excess -= segment.size;
    return true;
  });
}

export function byLogStart(segments: readonly Pick<SegmentView, 'baseOffset' | 'size'>[], logStartOffset: number): number {
  return deletablePrefix(segments, (_segment, next) => next !== undefined && next.baseOffset <= logStartOffset);
}

function views(log: PartitionLog): SegmentView[] {
  return log.segmentList.map((segment) => ({
    baseOffset: segment.baseOffset,
    size: segment.size,
    largestTimestamp: segment.maxTimestampSoFar >= 0 ? segment.maxTimestampSoFar : segment.lastModified(),
  }));
}

export interface RetentionOutcome {
  /** Base offsets of the deleted segments, oldest first, with the pass that deleted them. */
  deleted: Array<{ baseOffset: number; reason: RetentionReason }>;
  logStartOffset: number;
}

/** Applies the three passes to `log` now. */
export function applyRetention(log: PartitionLog, now: number = Date.now()): RetentionOutcome {
  const outcome: RetentionOutcome = { deleted: [], logStartOffset: log.logStartOffset };
  const passes: Array<[RetentionReason, (segments: SegmentView[]) => number]> = [];
  const config = log.logConfig;
  if (config.cleanupPolicy.delete) {
    passes.push(['retention.ms', (s) => byTime(s, config, now)]);
    passes.push(['retention.bytes', (s) => bySize(s, config)]);
  }
  passes.push(['log start', (s) => byLogStart(s, log.logStartOffset)]);
  for (const [reason, decide] of passes) {
    const segments = views(log);
    const count = decide(segments);
    if (count === 0) continue;
    if (count === segments.length) log.roll(now); // the breaching active segment is sealed first
    for (const removed of log.deleteOldestSegments(count)) outcome.deleted.push({ baseOffset: removed.baseOffset, reason });
  }
  outcome.logStartOffset = log.logStartOffset;
  return outcome;
}
